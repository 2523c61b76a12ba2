"""The registry's side of the qualification loop (资格闭环): lost qualifications, vetting records,
and the check every role change passes (凡进必评).

A revocation is stored when ``evaluation.v1`` announces it; a passed evaluation (a joint meeting
retained the person) is stored as a vetting record from ``evaluation``; staff record their own
vetting decision with the role change it justifies (``vetting_basis``). ``check_role_change``
runs inside the unit of work that changes the roles, so a refusal changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from chassis.auth import Principal
from registry.adapters.tables import ineligibilities, vettings
from registry.domain import qualification as rules
from registry.domain.fields import clean_role
from registry.service_layer.unit_of_work import UnitOfWork


def check_role_change(
    uow: UnitOfWork,
    principal: Principal,
    person_id: str,
    before: Sequence[dict[str, Any]],
    after: Sequence[dict[str, Any]],
    vetting_basis: str | None,
) -> None:
    """Refuse a role the person lost the qualification for, or one without a basis; the caller's
    ``vetting_basis`` is a vetting decision for every body the change adds, recorded here."""
    bodies = rules.added_bodies(before, [clean_role(r) for r in after])
    if not bodies:
        return
    today, now = dt.date.today(), dt.datetime.now(dt.UTC)
    lost = ineligibilities_of(uow, person_id)
    if vetting_basis is None:
        rules.check_entry(bodies, lost, vettings_of(uow, person_id), today)
        return
    records = []
    for body in bodies:
        body, basis = rules.clean_vetting(body, vetting_basis)
        records.append(rules.Vetting(body, "staff", basis, principal.subject, now))
    rules.check_entry(bodies, lost, records, today)
    record_vettings(uow, person_id, records)


def record_vettings(uow: UnitOfWork, person_id: str, records: Sequence[rules.Vetting]) -> None:
    if records:
        uow.session.execute(vettings.insert(), [{"person_id": person_id, **dataclasses.asdict(v)} for v in records])


def record_ineligibility(uow: UnitOfWork, person_id: str, lost: rules.Ineligibility) -> None:
    uow.session.execute(ineligibilities.insert().values(person_id=person_id, **dataclasses.asdict(lost)))


def ineligibilities_of(uow: UnitOfWork, person_id: str) -> list[rules.Ineligibility]:
    names = [f.name for f in dataclasses.fields(rules.Ineligibility)]
    query = sa.select(*(ineligibilities.c[n] for n in names)).where(ineligibilities.c.person_id == person_id)
    return [rules.Ineligibility(**row) for row in uow.session.execute(query.order_by(ineligibilities.c.id)).mappings()]


def vettings_of(uow: UnitOfWork, person_id: str) -> list[rules.Vetting]:
    names = [f.name for f in dataclasses.fields(rules.Vetting)]
    query = sa.select(*(vettings.c[n] for n in names)).where(vettings.c.person_id == person_id)
    return [rules.Vetting(**row) for row in uow.session.execute(query.order_by(vettings.c.id)).mappings()]


def standing(uow: UnitOfWork, person_id: str) -> dict[str, Any]:
    today = dt.date.today()
    return {
        "ineligibilities": [
            {**dataclasses.asdict(i), "standing": i.stands_on(today)} for i in ineligibilities_of(uow, person_id)
        ],
        "vettings": [dataclasses.asdict(v) for v in vettings_of(uow, person_id)],
    }
