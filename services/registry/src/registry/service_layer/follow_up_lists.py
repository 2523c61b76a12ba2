"""Follow-up task lists (回访任务) and overdue counts by unit.

A task list is a cadre's ("my follow-ups due this week") or a unit's, confined in SQL to the
caller's subtree; open follow-ups come by planned day, so the overdue ones lead, then by id, with
a keyset cursor. A follow-up's cadre is the person's current responsible cadre: when the cadre
changes, the open follow-ups go with the person to the new one. Overdue counts are by child unit
of the unit asked for, the figure the supervision will measure. A person archived or merged
away, or no longer holding a representative role, leaves both (their follow-ups stay readable one
by one, and come back with the role).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from chassis import units
from chassis.auth import Principal
from chassis.errors import InvalidInput, NotFound
from chassis.paging import decode_cursor, encode_cursor
from registry.adapters.liaison_tables import follow_ups, responsible_cadres
from registry.adapters.tables import admin_units, people
from registry.domain import liaison
from registry.service_layer.queries import READ_ROLES
from registry.service_layer.unit_of_work import UowFactory

_CHILD_PREFIX = {"province": 4, "city": 6, "county": 9, "town": 12, "village": 12}
#: Whose follow-ups are tasks: active people who still hold a representative role (one who left the
#: role, or was archived or merged away, is no one's contact work; see ``follow_up_reminders`` too).
IN_CONTACT = (people.c.status == "active", people.c.is_representative.is_(True))
_current = sa.and_(responsible_cadres.c.person_id == people.c.id, responsible_cadres.c.ended_at.is_(None))


@dataclasses.dataclass(frozen=True)
class TaskFilters:
    cadre: str | None = None  # a subject, or "me"
    unit: str | None = None
    person_id: str | None = None
    state: str = liaison.OPEN  # or done, not_done, all
    due_by: dt.date | None = None
    this_week: bool = False


def _within(principal: Principal, unit: str | None) -> str:
    unit = unit or principal.unit
    if not principal.sees(unit):
        raise InvalidInput("单位超出您的管辖范围", "The unit is outside your scope", field="unit")
    return units.scope_prefix(unit)


def _tasks(principal: Principal, unit: str | None):
    cadre = responsible_cadres.c
    return (
        sa.select(follow_ups, people.c.name.label("person_name"), people.c.unit_code)
        .add_columns(cadre.cadre_subject, cadre.cadre_name, cadre.cadre_unit)
        .join(people, people.c.id == follow_ups.c.person_id)
        .outerjoin(responsible_cadres, _current)
        .where(people.c.unit_code.like(_within(principal, unit) + "%"))
    )


def follow_up(uow_factory: UowFactory, principal: Principal, follow_up_id: int) -> dict:
    """One follow-up of a person in the caller's subtree (404 otherwise)."""
    principal.require_role(*READ_ROLES)
    with uow_factory(principal.subject) as uow:
        row = uow.session.execute(_tasks(principal, None).where(follow_ups.c.id == follow_up_id)).mappings().first()
    if row is None:
        raise NotFound("未找到该回访计划", "No such follow-up")
    return _task(row, liaison.today_in_china(dt.datetime.now(dt.UTC)))


def task_list(uow_factory: UowFactory, principal: Principal, f: TaskFilters, limit: int, cursor: str | None) -> dict:
    principal.require_role(*READ_ROLES)
    today = liaison.today_in_china(dt.datetime.now(dt.UTC))
    query = _tasks(principal, f.unit).where(*IN_CONTACT)
    if f.cadre:
        query = query.where(responsible_cadres.c.cadre_subject == (principal.subject if f.cadre == "me" else f.cadre))
    if f.person_id:
        query = query.where(follow_ups.c.person_id == f.person_id)
    if f.state != "all":
        query = query.where(follow_ups.c.state == f.state)
    limits = [d for d in (f.due_by, liaison.end_of_week(today) if f.this_week else None) if d]
    if limits:
        query = query.where(follow_ups.c.due_on <= min(limits))
    if cursor:
        day, last_id = decode_cursor(cursor, 2)
        try:
            after = (dt.date.fromisoformat(day), int(last_id))
        except ValueError:
            raise InvalidInput("分页游标无效", "Invalid cursor", field="cursor") from None
        d, i = follow_ups.c.due_on, follow_ups.c.id
        query = query.where(sa.or_(d > after[0], sa.and_(d == after[0], i > after[1])))
    with uow_factory(principal.subject) as uow:
        query = query.order_by(follow_ups.c.due_on, follow_ups.c.id).limit(limit + 1)
        rows = list(uow.session.execute(query).mappings())
    items = [_task(r, today) for r in rows[:limit]]
    more = len(rows) > limit
    next_cursor = encode_cursor(items[-1]["due_on"].isoformat(), items[-1]["id"]) if more else None
    return {"items": items, "next_cursor": next_cursor, "today": today}


def _task(row, today: dt.date) -> dict:
    task = dict(row)
    task.pop("reminded_at", None)
    task["overdue"] = liaison.FollowUp(row["due_on"], row["state"]).is_overdue(today)
    cadre = (row["cadre_subject"], row["cadre_name"], row["cadre_unit"])
    task["cadre"] = dict(zip(("subject", "name", "unit"), cadre, strict=True)) if cadre[0] else None
    return task


def overdue_by_unit(uow_factory: UowFactory, principal: Principal, unit: str | None = None) -> dict:
    """Open follow-ups and overdue ones (planned before today, China time) per child unit of ``unit``."""
    principal.require_role(*READ_ROLES)
    prefix, today = _within(principal, unit), liaison.today_in_china(dt.datetime.now(dt.UTC))
    unit = unit or principal.unit
    width = _CHILD_PREFIX[units.level(unit)]
    child = sa.func.substr(people.c.unit_code, 1, width).label("child")
    overdue = sa.func.sum(sa.case((follow_ups.c.due_on < today, 1), else_=0))
    query = (
        sa.select(child, sa.func.count(), overdue)
        .select_from(follow_ups.join(people, people.c.id == follow_ups.c.person_id))
        .where(people.c.unit_code.like(prefix + "%"), *IN_CONTACT, follow_ups.c.state == liaison.OPEN)
        .group_by(child)
    )
    with uow_factory(principal.subject) as uow:
        rows = uow.session.execute(query).all()
        names = dict(uow.session.execute(sa.select(admin_units.c.code, admin_units.c.name)).all())
    counted = sorted((prefix.ljust(12, "0"), int(n), int(late or 0)) for prefix, n, late in rows)
    return {
        "unit": unit,
        "as_of": today,
        "open": sum(n for _, n, _ in counted),
        "overdue": sum(late for _, _, late in counted),
        "rows": [{"unit_code": c, "unit_name": names.get(c, c), "open": n, "overdue": late} for c, n, late in counted],
    }
