"""Looking up a person's disclosure record (``domain.disclosure_record``): auditors only, of people in
their unit's subtree, and every look-up recorded (who looked up whom, when), since reading a person's
record is itself processing of their data.

The role is checked first: anyone else learns nothing, not even whether the person exists. An
auditor asking about a person outside their subtree gets the same 404 as for a person nobody knows.
A person can also be found by ID number, which is turned into the registry's digest at once (with
every key of a rotation in progress) and never stored, logged or echoed.
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
from sharing_gateway.adapters.tables import disclosure_lookups, people, person_disclosures
from sharing_gateway.service_layer.unit_of_work import UnitOfWork, UowFactory

ROLE = "auditor"
UNKNOWN = ("未找到该人员", "No such person")
#: What a look-up read: a page of the record, its signed report, or who holds an ID number.
RECORD, REPORT, ID_NUMBER = "record", "report", "id_number"
#: The most rows a report holds (a person's record over many years stays far below it).
REPORT_MAX = 20_000
SHOWN = ("kind", "at", "agency", "event_type", "fields", "sensitive", "purpose", "field_purposes", "legal_basis",
         "policy_version", "ledger_position", "sequence", "actor", "actor_unit")  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Filters:
    agency: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def page(
    uow_factory: UowFactory,
    principal: Principal,
    person_id: str,
    filters: Filters,
    limit: int,
    cursor: str | None = None,
) -> dict[str, Any]:
    """One page of the person's record, newest first; ``next_cursor`` while more remain."""
    principal.require_role(ROLE)
    with uow_factory() as uow:
        person = _person_in_scope(uow, principal, person_id)
        query = _query(person_id, filters)
        if cursor:
            when, row_id = _position(cursor)
            c = person_disclosures.c
            query = query.where(sa.or_(c.at < when, sa.and_(c.at == when, c.id < row_id)))
        rows = uow.session.execute(query.limit(limit + 1)).mappings().all()
        _audit(uow, principal, person_id, RECORD)
        uow.commit()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(_utc(rows[-1]["at"]).isoformat(), rows[-1]["id"]) if more else None
    return {"person": person, "items": [shown(r) for r in rows], "next_cursor": next_cursor}


def all_rows(uow_factory: UowFactory, principal: Principal, person_id: str, filters: Filters) -> dict[str, Any]:
    """The whole record within the filters (for the signed report), the look-up recorded."""
    principal.require_role(ROLE)
    with uow_factory() as uow:
        person = _person_in_scope(uow, principal, person_id)
        rows = uow.session.execute(_query(person_id, filters).limit(REPORT_MAX + 1)).mappings().all()
        if len(rows) > REPORT_MAX:  # never a report that silently leaves rows out
            raise InvalidInput(
                f"记录超过{REPORT_MAX}条，请用 since/until 缩小期间",
                f"More than {REPORT_MAX} records: narrow the period with since/until",
                field="since",
            )
        _audit(uow, principal, person_id, REPORT)
        uow.commit()
    return {"person": person, "items": [shown(r) for r in rows]}


def find_by_id_number(
    uow_factory: UowFactory, principal: Principal, keys: Sequence[DigestKey], raw: str
) -> dict[str, str]:
    """The person holding an ID number, if in the caller's subtree (404 otherwise, as for nobody)."""
    principal.require_role(ROLE)
    number = idnumber.validate(raw)
    digests = [idnumber.digest(number, key) for key in keys]
    with uow_factory() as uow:
        found = uow.session.execute(
            sa.select(people.c.person_id, people.c.unit_code).where(people.c.id_digest.in_(digests))
        ).all()
        mine = [p for p, unit in found if principal.sees(unit)]
        if len(mine) != 1:
            raise NotFound(*UNKNOWN)
        _audit(uow, principal, mine[0], ID_NUMBER)
        uow.commit()
    return {"person_id": mine[0]}


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


def _person_in_scope(uow: UnitOfWork, principal: Principal, person_id: str) -> dict[str, str]:
    row = uow.session.execute(
        sa.select(people.c.person_id, people.c.name, people.c.unit_code).where(people.c.person_id == person_id)
    ).first()
    if row is None or not principal.sees(row.unit_code):
        raise NotFound(*UNKNOWN)
    return {"person_id": row.person_id, "name_masked": mask_name(row.name), "unit_code": row.unit_code}


def _query(person_id: str, filters: Filters) -> sa.Select:
    c = person_disclosures.c
    query = sa.select(person_disclosures).where(c.person_id == person_id)
    if filters.agency:
        query = query.where(c.agency == filters.agency)
    if filters.since:
        query = query.where(c.at >= filters.since)
    if filters.until:
        query = query.where(c.at < filters.until)
    return query.order_by(c.at.desc(), c.id.desc())


def _audit(uow: UnitOfWork, principal: Principal, person_id: str, what: str) -> None:
    row = dict(person_id=person_id, looked_up_by=principal.subject, unit=principal.unit, what=what)
    uow.session.execute(disclosure_lookups.insert(), {**row, "at": dt.datetime.now(dt.UTC)})


def _utc(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)  # SQLite returns the stored UTC without its zone
