"""Contacts (联系人): a representative's responsible cadre, assigned and changed with history, and
the follow-ups planned with them, closed done or not done.

Editors act on people of their own subtree; a person outside it is not found (404), as everywhere
in the registry, so a cadre of another town can neither see nor change the follow-ups of this
one. The person's row is locked while a cadre is assigned, so one person has one current cadre.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.errors import Conflict, InvalidInput, NotFound
from registry.adapters.liaison_tables import follow_ups, responsible_cadres
from registry.adapters.tables import people
from registry.domain import liaison
from registry.service_layer.people import WRITE_ROLES, load_in_scope
from registry.service_layer.queries import READ_ROLES, in_scope, row_or_404
from registry.service_layer.unit_of_work import UnitOfWork, UowFactory

_CADRE_FIELDS = ("cadre_subject", "cadre_name", "cadre_unit", "reason", "assigned_by", "assigned_at", "ended_at")


def _active_person(uow: UnitOfWork, principal: Principal, person_id: str):
    person = load_in_scope(uow, principal, person_id)
    if person.status != "active":
        what = ("该人员档案已归档或合并", "The person's record is archived or merged")
        raise Conflict(*what, record_status=person.status)
    return person


def current_cadre(uow: UnitOfWork, person_id: str) -> dict | None:
    row = (
        uow.session.execute(
            sa.select(responsible_cadres).where(
                responsible_cadres.c.person_id == person_id, responsible_cadres.c.ended_at.is_(None)
            )
        )
        .mappings()
        .first()
    )
    return _cadre(row) if row else None


def _cadre(row) -> dict:
    return {k: row[k] for k in _CADRE_FIELDS}


def assign_cadre(
    uow_factory: UowFactory, principal: Principal, person_id: str, cadre: liaison.Cadre, reason: str | None
) -> dict:
    """Make ``cadre`` the representative's responsible cadre; the one before stays in the history."""
    principal.require_role(*WRITE_ROLES)
    with uow_factory(principal.subject) as uow:
        person = _active_person(uow, principal, person_id)
        liaison.check_is_representative(bool(person.representative_roles))
        liaison.check_cadre(cadre, person.unit_code)
        if not uow.units.in_service(cadre.unit):
            raise InvalidInput(
                f"行政区划 {cadre.unit} 不存在或已撤销",
                f"Admin unit {cadre.unit} does not exist or is retired",
                field="cadre.unit",
            )
        current = current_cadre(uow, person_id)
        held = current and (current["cadre_subject"], current["cadre_name"], current["cadre_unit"])
        if held != (cadre.subject, cadre.name, cadre.unit):  # the same cadre again changes nothing
            now = dt.datetime.now(dt.UTC)
            uow.session.execute(
                responsible_cadres.update()
                .where(responsible_cadres.c.person_id == person_id, responsible_cadres.c.ended_at.is_(None))
                .values(ended_at=now)
            )
            uow.session.execute(
                responsible_cadres.insert().values(
                    person_id=person_id,
                    cadre_subject=cadre.subject,
                    cadre_name=cadre.name,
                    cadre_unit=cadre.unit,
                    reason=reason,
                    assigned_by=principal.subject,
                    assigned_at=now,
                )
            )
        uow.commit()
    return cadres_of(uow_factory, principal, person_id)


def cadres_of(uow_factory: UowFactory, principal: Principal, person_id: str) -> dict:
    """The current responsible cadre and every one before, newest first."""
    principal.require_role(*READ_ROLES)
    with uow_factory(principal.subject) as uow:
        row_or_404(uow, principal, person_id)
        rows = uow.session.execute(
            sa.select(responsible_cadres)
            .where(responsible_cadres.c.person_id == person_id)
            .order_by(responsible_cadres.c.assigned_at.desc(), responsible_cadres.c.id.desc())
        ).mappings()
        history = [_cadre(r) for r in rows]
        current = next((c for c in history if c["ended_at"] is None), None)
        return {"person_id": person_id, "current": current, "history": history}


def plan_follow_up(uow_factory: UowFactory, principal: Principal, person_id: str, due_on: dt.date, note: str) -> int:
    """Plan the next follow-up of a representative who has a responsible cadre (409 without one)."""
    principal.require_role(*WRITE_ROLES)
    liaison.check_due_day(due_on, liaison.today_in_china(dt.datetime.now(dt.UTC)))
    with uow_factory(principal.subject) as uow:
        person = _active_person(uow, principal, person_id)
        liaison.check_is_representative(bool(person.representative_roles))
        if current_cadre(uow, person_id) is None:
            raise Conflict(
                "请先为该人员指定联系人，再安排回访", "Assign the person's responsible cadre before planning follow-ups"
            )
        new_id = uow.session.execute(
            follow_ups.insert().values(
                person_id=person_id,
                due_on=due_on,
                note=note,
                state=liaison.OPEN,
                created_by=principal.subject,
                created_at=dt.datetime.now(dt.UTC),
            )
        ).inserted_primary_key[0]
        uow.commit()
        return int(new_id)


def close_follow_up(uow_factory: UowFactory, principal: Principal, follow_up_id: int, state: str, outcome: str):
    """Close a follow-up done or not done, once, with a short outcome."""
    principal.require_role(*WRITE_ROLES)
    with uow_factory(principal.subject) as uow:
        row = _follow_up_in_scope(uow, principal, follow_up_id, lock=True)
        closed = liaison.FollowUp(row["due_on"], row["state"]).close(state)
        uow.session.execute(
            follow_ups.update()
            .where(follow_ups.c.id == follow_up_id)
            .values(state=closed.state, outcome=outcome, closed_by=principal.subject, closed_at=dt.datetime.now(dt.UTC))
        )
        uow.commit()


def _follow_up_in_scope(uow: UnitOfWork, principal: Principal, follow_up_id: int, lock: bool = False):
    query = (
        sa.select(follow_ups)
        .join(people, people.c.id == follow_ups.c.person_id)
        .where(follow_ups.c.id == follow_up_id, in_scope(principal))
    )
    if lock and uow.session.bind.dialect.name == "postgresql":
        query = query.with_for_update(of=follow_ups)
    row = uow.session.execute(query).mappings().first()
    if row is None:
        raise NotFound("未找到该回访计划", "No such follow-up")
    return row
