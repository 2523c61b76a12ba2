"""Study assignments (学习任务): staff give published materials, and optionally a short quiz, to
the members of a unit and its subtree, with a due date; publishing one is an event.

The members are the people view's active people of the unit's subtree when the assignment is
published, each a study task placed at their unit then (completion by unit reads it; a member
who moves later stays counted where they were assigned). Materials must be published to the
assignment's unit or a unit above it. Staff see an assignment of their subtree or of a unit above
them (a county's assignment reaches every town, which sees its own part of the completion).
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from chassis import units
from chassis.auth import Principal
from chassis.contracts.servicedesk import STUDY_ASSIGNMENT_PUBLISHED
from chassis.errors import InvalidInput, NotFound
from chassis.paging import newest_first, next_newest_first
from chassis.work_calendar import CST
from servicedesk.adapters.education_tables import assignment_materials, assignments, materials, study_tasks
from servicedesk.adapters.tables import people
from servicedesk.domain import education_rules as rules
from servicedesk.service_layer.education_materials import EDITORS, above, reaches
from servicedesk.service_layer.unit_of_work import UnitOfWork, UowFactory


def create(uow_factory: UowFactory, principal: Principal, body: dict, now: dt.datetime) -> dict:
    principal.require_role(*EDITORS)
    unit = body["unit_code"]
    if not principal.sees(unit):
        raise InvalidInput("单位超出您的管辖范围", "The unit is outside your scope", field="unit_code")
    if body["due_on"] < now.astimezone(CST).date():
        raise InvalidInput("完成期限不能早于今天", "The due date cannot be in the past", field="due_on")
    quiz = rules.quiz_of(body.get("quiz") or [])
    material_ids = list(dict.fromkeys(body["material_ids"]))
    with uow_factory() as uow:
        found = uow.session.execute(
            sa.select(materials.c.id, materials.c.unit_code, materials.c.state).where(materials.c.id.in_(material_ids))
        ).all()
        usable = {m.id for m in found if m.state == "published" and reaches(m.unit_code, unit)}
        if usable != set(material_ids):  # one answer for unknown, unpublished and out of reach: no probing
            raise InvalidInput(
                "学习材料不存在、未发布或未发布到该单位",
                "A material does not exist, is not published, or is not published to that unit",
                field="material_ids",
            )
        row = dict(
            id=str(uuid.uuid4()),
            title=body["title"],
            unit_code=unit,
            due_on=body["due_on"],
            pass_mark=body["pass_mark"],
            quiz=[{"text": q.text, "options": list(q.options), "answer": sorted(q.answer)} for q in quiz],
            created_by=principal.subject,
            published_at=now,
        )
        uow.session.execute(assignments.insert(), row)
        uow.session.execute(
            assignment_materials.insert(),
            [{"assignment_id": row["id"], "material_id": m, "position": n} for n, m in enumerate(material_ids)],
        )
        members = uow.session.execute(
            sa.select(people.c.person_id, people.c.unit_code).where(
                people.c.unit_code.like(units.scope_prefix(unit) + "%"), people.c.status == "active"
            )
        ).all()
        if members:
            uow.session.execute(
                study_tasks.insert(),
                [
                    dict(assignment_id=row["id"], person_id=p.person_id, unit_code=p.unit_code, studied_at=None,
                         minutes_studied=0, passed_at=None, completed_at=None)
                    for p in members
                ],
            )  # fmt: skip
        uow.emit(
            STUDY_ASSIGNMENT_PUBLISHED,
            row["id"],
            {
                "assignment_id": row["id"],
                "unit_code": unit,
                "due_on": row["due_on"].isoformat(),
                "members_assigned": len(members),
                "material_count": len(material_ids),
                "published_at": now.isoformat(),
            },
        )
        uow.commit()
    return {**staff_view(row), "material_ids": material_ids, "members_assigned": len(members)}


def staff_view(row: dict) -> dict:
    """An assignment as staff read it: the quiz with its right answers (staff wrote them)."""
    return {**row, "question_count": len(row["quiz"])}


def readable(principal: Principal, row: dict) -> bool:
    return principal.sees(row["unit_code"]) or reaches(row["unit_code"], principal.unit)


def load(uow: UnitOfWork, principal: Principal, assignment_id: str) -> dict:
    row = uow.session.execute(sa.select(assignments).where(assignments.c.id == assignment_id)).mappings().first()
    if row is None or not readable(principal, dict(row)):
        raise NotFound("未找到该学习任务", "No such study assignment")
    return dict(row)


def material_ids(uow: UnitOfWork, assignment_id: str) -> list[str]:
    return list(
        uow.session.execute(
            sa.select(assignment_materials.c.material_id)
            .where(assignment_materials.c.assignment_id == assignment_id)
            .order_by(assignment_materials.c.position)
        ).scalars()
    )


def get(uow_factory: UowFactory, principal: Principal, assignment_id: str) -> dict:
    with uow_factory() as uow:
        row = load(uow, principal, assignment_id)
        assigned = uow.session.execute(
            sa.select(sa.func.count()).where(study_tasks.c.assignment_id == assignment_id)
        ).scalar_one()
        return {**staff_view(row), "material_ids": material_ids(uow, assignment_id), "members_assigned": assigned}


def search(uow_factory: UowFactory, principal: Principal, limit: int, cursor: str | None) -> dict:
    """Assignments of the caller's subtree or of a unit above it, newest first; keyset-paginated."""
    with uow_factory() as uow:
        query = sa.select(assignments).where(
            sa.or_(
                assignments.c.unit_code.like(principal.scope_prefix + "%"),
                assignments.c.unit_code.in_(above(principal.unit)),
            )
        )
        query = newest_first(query, assignments.c.published_at, assignments.c.id, cursor)
        rows = [dict(r) for r in uow.session.execute(query.limit(limit + 1)).mappings()]
        return {
            "items": [staff_view(r) for r in rows[:limit]],
            "next_cursor": next_newest_first(rows, limit, "published_at"),
        }
