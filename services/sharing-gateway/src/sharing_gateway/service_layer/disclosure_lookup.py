"""Looking up a person's disclosure record (``domain.disclosure_record``): auditors only, of people in
their unit's subtree, and every look-up recorded (who looked up whom, when), since reading a person's
record is itself processing of their data. Look-ups that fail are recorded too (refused, or nobody
found), so probing leaves a trace (``disclosure_audit``).

The role is checked first: anyone else learns nothing, not even whether the person exists. An
auditor asking about a person outside their subtree gets the same 404 as for a person nobody knows.
A person can also be found by ID number, which is turned into the registry's digest at once (with
every key of a rotation in progress) and never stored, logged or echoed.

One person may hold several records of the registry: an archived one and the one they came back
under, or a duplicate merged into another, all with the same ID number. The people view keeps the
ID digest of each (not the merge link), so a person's record covers every record id in the
caller's subtree with the same digest, and the look-up by ID number prefers the active record.

Agencies follow ``service_layer.agencies``: an auditor sees the rows of an agency only if its
policy region lies in their subtree (a town sees nothing of the county's agencies). The rows
withheld are counted, never silently left out: an auditor at the agency's level must answer for
them. Asking for an agency one may not see answers as for an agency that does not exist.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from chassis import idnumber
from chassis.auth import Principal
from chassis.digests import DigestKey
from chassis.errors import InvalidInput, NotFound
from chassis.masking import mask_name
from chassis.paging import decode_cursor, encode_cursor
from sharing_gateway.adapters.tables import people, person_disclosures
from sharing_gateway.domain.policy import Policy
from sharing_gateway.service_layer import agencies
from sharing_gateway.service_layer.disclosure_audit import ID_NUMBER, RECORD, REPORT, audit, recorded
from sharing_gateway.service_layer.unit_of_work import UnitOfWork, UowFactory

ROLE = "auditor"
UNKNOWN = ("未找到该人员", "No such person")
#: A record's status in the people view that a look-up by ID number prefers.
ACTIVE = "active"
#: The most rows a report holds (a person's record over many years stays far below it).
REPORT_MAX = 20_000
SHOWN = ("person_id", "kind", "at", "agency", "event_type", "fields", "sensitive", "purpose", "field_purposes",
         "legal_basis", "policy_version", "ledger_position", "sequence", "actor", "actor_unit")  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Filters:
    agency: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@dataclasses.dataclass(frozen=True)
class Scope:
    """What a look-up may read: the person, every record id of theirs, the agencies the caller sees."""

    person: dict[str, Any]
    record_ids: list[str]
    agencies: set[str]


def page(
    uow_factory: UowFactory,
    principal: Principal,
    policies: dict[str, Policy],
    person_id: str,
    filters: Filters,
    limit: int,
    cursor: str | None = None,
) -> dict[str, Any]:
    """One page of the person's record, newest first; ``next_cursor`` while more remain; ``withheld``:
    how many rows (within the filters) belong to agencies the caller may not see."""
    with recorded(uow_factory, principal, person_id, RECORD):
        with uow_factory() as uow:
            scope = _scope(uow, principal, policies, person_id)
            query = _query(scope, filters)
            if cursor:
                when, row_id = _position(cursor)
                c = person_disclosures.c
                query = query.where(sa.or_(c.at < when, sa.and_(c.at == when, c.id < row_id)))
            rows = uow.session.execute(query.limit(limit + 1)).mappings().all()
            withheld = _withheld(uow, scope, filters)
            audit(uow, principal, person_id, RECORD)
            uow.commit()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(_utc(rows[-1]["at"]).isoformat(), rows[-1]["id"]) if more else None
    return {"person": scope.person, "items": [shown(r) for r in rows], "withheld": withheld, "next_cursor": next_cursor}


def all_rows(
    uow_factory: UowFactory, principal: Principal, policies: dict[str, Policy], person_id: str, filters: Filters
) -> dict[str, Any]:
    """The whole record within the filters (for the signed report), the look-up recorded."""
    with recorded(uow_factory, principal, person_id, REPORT):
        with uow_factory() as uow:
            scope = _scope(uow, principal, policies, person_id)
            rows = uow.session.execute(_query(scope, filters).limit(REPORT_MAX + 1)).mappings().all()
            if len(rows) > REPORT_MAX:  # never a report that silently leaves rows out
                raise InvalidInput(
                    f"记录超过{REPORT_MAX}条，请用 since/until 缩小期间",
                    f"More than {REPORT_MAX} records: narrow the period with since/until",
                    field="since",
                )
            withheld = _withheld(uow, scope, filters)
            audit(uow, principal, person_id, REPORT)
            uow.commit()
    return {"person": scope.person, "items": [shown(r) for r in rows], "withheld": withheld,
            "agencies": scope.agencies}  # fmt: skip


def find_by_id_number(
    uow_factory: UowFactory, principal: Principal, keys: Sequence[DigestKey], raw: str
) -> dict[str, Any]:
    """The person holding an ID number, if in the caller's subtree (404 otherwise, as for nobody):
    their active record (else the newest archived one) and every record id of theirs."""
    # a failed look-up is recorded by the digest key's id, never by the number
    with recorded(uow_factory, principal, f"key:{keys[0].key_id}"[:36], ID_NUMBER):
        principal.require_role(ROLE)
        number = idnumber.validate(raw)
        digests = [idnumber.digest(number, key) for key in keys]
        with uow_factory() as uow:
            found = uow.session.execute(
                sa.select(people.c.person_id, people.c.unit_code, people.c.status, people.c.version).where(
                    people.c.id_digest.in_(digests)
                )
            ).all()
            mine = sorted((r for r in found if principal.sees(r.unit_code)),
                          key=lambda r: (r.status != ACTIVE, -r.version, r.person_id))  # fmt: skip
            if not mine or sum(r.status == ACTIVE for r in mine) > 1:  # nobody, or not one person
                raise NotFound(*UNKNOWN)
            audit(uow, principal, mine[0].person_id, ID_NUMBER)
            uow.commit()
    return {"person_id": mine[0].person_id, "record_ids": sorted(r.person_id for r in mine)}


def shown(row: Any) -> dict[str, Any]:
    out = {k: row[k] for k in SHOWN}
    out["at"] = _utc(row["at"]).isoformat()
    return out


def _position(cursor: str) -> tuple[dt.datetime, int]:
    at, row_id = decode_cursor(cursor, 2)
    try:
        return dt.datetime.fromisoformat(at), int(row_id)
    except ValueError:
        raise InvalidInput("分页游标无效", "Invalid cursor", field="cursor") from None


def _scope(uow: UnitOfWork, principal: Principal, policies: dict[str, Policy], person_id: str) -> Scope:
    principal.require_role(ROLE)
    p = people.c
    row = uow.session.execute(
        sa.select(p.person_id, p.name, p.unit_code, p.id_digest, p.status).where(p.person_id == person_id)
    ).first()
    if row is None or not principal.sees(row.unit_code):
        raise NotFound(*UNKNOWN)
    same = uow.session.execute(sa.select(p.person_id, p.unit_code, p.status).where(p.id_digest == row.id_digest))
    # two records in use are two people to the registry (it lets only archived ones repeat a number)
    linked = (r.person_id for r in same if principal.sees(r.unit_code) and ACTIVE not in {r.status} & {row.status})
    ids = sorted({person_id, *linked})
    person = {"person_id": row.person_id, "name_masked": mask_name(row.name), "unit_code": row.unit_code,
              "record_ids": ids}  # fmt: skip
    return Scope(person, ids, set(agencies.visible(principal, policies)))


def _query(scope: Scope, filters: Filters) -> sa.Select:
    c = person_disclosures.c
    query = sa.select(person_disclosures).where(
        c.person_id.in_(scope.record_ids), sa.or_(c.agency.is_(None), c.agency.in_(sorted(scope.agencies)))
    )
    if filters.agency:  # one the caller may not see matches nothing, as one that does not exist
        query = query.where(c.agency == filters.agency)
    return _period(query, filters).order_by(c.at.desc(), c.id.desc())


def _withheld(uow: UnitOfWork, scope: Scope, filters: Filters) -> int:
    """How many rows within the period belong to agencies the caller may not see (none are counted
    when one agency was asked for: that answer must not tell whether a hidden agency exists)."""
    if filters.agency:
        return 0
    c = person_disclosures.c
    query = sa.select(sa.func.count()).where(
        c.person_id.in_(scope.record_ids), c.agency.is_not(None), c.agency.not_in(sorted(scope.agencies))
    )
    return uow.session.execute(_period(query, filters)).scalar_one()


def _period(query: sa.Select, filters: Filters) -> sa.Select:
    c = person_disclosures.c
    if filters.since:
        query = query.where(c.at >= filters.since)
    if filters.until:
        query = query.where(c.at < filters.until)
    return query


def _utc(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)  # SQLite returns the stored UTC without its zone
