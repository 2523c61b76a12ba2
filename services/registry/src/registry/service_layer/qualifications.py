"""The registry's side of the qualification loop (资格闭环): lost qualifications, vetting records,
and the check every role change passes (凡进必评).

A revocation is stored when ``evaluation.v1`` announces it; a passed evaluation (a joint meeting
retained the person) is stored as a vetting record from ``evaluation``; staff record their own
vetting decision with the role change it justifies (``vetting_basis``). ``check_role_change``
runs inside the unit of work that changes the roles, so a refusal changes nothing.

A lost qualification belongs to the person, not to one record of them: it is read from every
record of the same ID number (an archived one registered again) and from the records merged into
this one, so neither re-registering nor merging lets the role back in while it stands.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from chassis import units
from chassis.auth import Principal
from registry.adapters.tables import ineligibilities, people, vettings
from registry.domain import qualification as rules
from registry.domain.fields import clean_role
from registry.domain.person import Person
from registry.service_layer.unit_of_work import UnitOfWork


def check_role_change(
    uow: UnitOfWork,
    principal: Principal,
    person: Person,
    before: Sequence[dict[str, Any]],
    after: Sequence[dict[str, Any]],
    vetting_basis: str | None,
) -> None:
    """Refuse a role the person lost the qualification for, or one without a basis; the caller's
    ``vetting_basis`` is a vetting decision for every body the change adds, recorded here."""
    seats = rules.added_seats(before, [clean_role(r) for r in after])
    bodies = sorted({body for body, _ in seats})
    if not bodies:
        return
    rules.refuse_unless_may_add(units.level(principal.unit), seats)
    today, now = dt.date.today(), dt.datetime.now(dt.UTC)
    lost = ineligibilities_of(uow, records_of(uow, person))
    if vetting_basis is None:
        rules.check_entry(bodies, lost, vettings_of(uow, person.id), today)
        spend = vettings.update().where(
            vettings.c.person_id == person.id, vettings.c.body.in_(bodies), vettings.c.spent_at.is_(None)
        )
        uow.session.execute(spend.values(spent_at=now))  # the entry uses up the basis it stood on
        return
    records = []
    for body in bodies:
        body, basis = rules.clean_vetting(body, vetting_basis)
        records.append(rules.Vetting(body, "staff", basis, principal.subject, now))
    rules.check_entry(bodies, lost, records, today)
    record_vettings(uow, person.id, [dataclasses.replace(v, spent_at=now) for v in records])


def check_merge(uow: UnitOfWork, survivor: Person, duplicate: Person) -> None:
    """Refuse a merge after which the survivor would hold a role either record lost the qualification
    for (called once the survivor absorbed the duplicate, before anything is saved)."""
    ids = {*records_of(uow, survivor), *records_of(uow, duplicate)}
    bodies = {r["body"] for r in survivor.representative_roles}
    rules.refuse_if_revoked(bodies, ineligibilities_of(uow, sorted(ids)), dt.date.today())


def records_of(uow: UnitOfWork, person: Person) -> list[str]:
    """The ids of every record of this person: itself, the records merged into it (and into those,
    merges chain), and any record of the same ID number."""
    ids, newest = {person.id}, [person.id]
    while newest:
        merged = uow.session.execute(sa.select(people.c.id).where(people.c.merged_into.in_(newest))).scalars()
        newest = [i for i in merged if i not in ids]
        ids.update(newest)
    return sorted({*ids, *uow.people.ids_with_id_number(person.id_number)})


def record_vettings(uow: UnitOfWork, person_id: str, records: Sequence[rules.Vetting]) -> None:
    if records:
        uow.session.execute(vettings.insert(), [{"person_id": person_id, **dataclasses.asdict(v)} for v in records])


def record_ineligibility(uow: UnitOfWork, person_id: str, lost: rules.Ineligibility) -> None:
    uow.session.execute(ineligibilities.insert().values(person_id=person_id, **dataclasses.asdict(lost)))


def ineligibilities_of(uow: UnitOfWork, person_ids: Sequence[str]) -> list[rules.Ineligibility]:
    names = [f.name for f in dataclasses.fields(rules.Ineligibility)]
    query = sa.select(*(ineligibilities.c[n] for n in names)).where(ineligibilities.c.person_id.in_(person_ids))
    return [rules.Ineligibility(**row) for row in uow.session.execute(query.order_by(ineligibilities.c.id)).mappings()]


def vettings_of(uow: UnitOfWork, person_id: str) -> list[rules.Vetting]:
    names = [f.name for f in dataclasses.fields(rules.Vetting)]
    query = sa.select(*(vettings.c[n] for n in names)).where(vettings.c.person_id == person_id)
    return [rules.Vetting(**row) for row in uow.session.execute(query.order_by(vettings.c.id)).mappings()]


def standing(uow: UnitOfWork, principal: Principal, person: Person) -> dict[str, Any]:
    """The lost qualifications of every record of the person and this record's vettings; the reason of
    a revocation held on a record outside the caller's scope is left out (the decision id and the
    end date say why the role is refused)."""
    today, ids = dt.date.today(), records_of(uow, person)
    units = dict(uow.session.execute(sa.select(people.c.id, people.c.unit_code).where(people.c.id.in_(ids))).all())
    names = [f.name for f in dataclasses.fields(rules.Ineligibility)]
    query = sa.select(ineligibilities.c.person_id, *(ineligibilities.c[n] for n in names))
    lost = []
    for row in uow.session.execute(query.where(ineligibilities.c.person_id.in_(ids)).order_by(ineligibilities.c.id)):
        record = rules.Ineligibility(**{n: row._mapping[n] for n in names})
        shown = {**dataclasses.asdict(record), "standing": record.stands_on(today)}
        if not principal.sees(units[row.person_id]):
            shown["reason"] = None
        lost.append(shown)
    return {"ineligibilities": lost, "vettings": [dataclasses.asdict(v) for v in vettings_of(uow, person.id)]}
