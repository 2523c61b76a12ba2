"""Completion by unit (学习完成情况): for one assignment, per unit in the caller's scope, how many
members were assigned, studied, passed the quiz, completed it and are overdue, with the totals of
the caller's whole scope; a page of units, or every one as a spreadsheet.

A unit is the narrowest one a member was placed at when the assignment was published. Staff see
only the units of their own subtree, also for an assignment of a unit above them: a town reads its
part of the county's assignment, never its neighbours'.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.paging import decode_cursor, encode_cursor
from chassis.spreadsheets import write_xlsx
from chassis.work_calendar import CST
from servicedesk.adapters.education_tables import study_tasks
from servicedesk.domain import education_rules as rules
from servicedesk.service_layer.education_assignments import load
from servicedesk.service_layer.history import aware
from servicedesk.service_layer.unit_of_work import UowFactory

HEADER = ["单位代码 unit", "应学 assigned", "已学 studied", "测试通过 passed", "已完成 completed", "逾期 overdue",
          "完成率% rate"]  # fmt: skip


def _tally(uow_factory: UowFactory, principal: Principal, assignment_id: str, now: dt.datetime) -> tuple[dict, list]:
    with uow_factory() as uow:
        assignment = load(uow, principal, assignment_id)
        tasks = uow.session.execute(
            sa.select(study_tasks.c.unit_code, study_tasks.c.studied_at, study_tasks.c.passed_at,
                      study_tasks.c.completed_at)
            .where(study_tasks.c.assignment_id == assignment_id,
                   study_tasks.c.unit_code.like(principal.scope_prefix + "%"))
        ).all()  # fmt: skip
    today = now.astimezone(CST).date()
    by_unit: dict[str, rules.UnitCompletion] = {}
    total = rules.UnitCompletion(principal.unit)
    for t in tasks:
        progress = rules.Progress(
            t.studied_at is not None,
            t.passed_at is not None,
            bool(assignment["quiz"]),
            aware(t.completed_at).astimezone(CST).date() if t.completed_at else None,
        )
        by_unit.setdefault(t.unit_code, rules.UnitCompletion(t.unit_code)).add(progress, assignment["due_on"], today)
        total.add(progress, assignment["due_on"], today)
    return {"assignment": assignment, "total": total}, [by_unit[u] for u in sorted(by_unit)]


def _out(c: rules.UnitCompletion) -> dict:
    return {"unit_code": c.unit_code, "assigned": c.assigned, "studied": c.studied, "passed": c.passed,
            "completed": c.completed, "overdue": c.overdue, "rate": c.rate}  # fmt: skip


def completion(
    uow_factory: UowFactory, principal: Principal, assignment_id: str, now: dt.datetime, limit: int, cursor: str | None
) -> dict:
    """A page of units (by code) after ``cursor``, and the totals of the caller's scope."""
    head, rows = _tally(uow_factory, principal, assignment_id, now)
    if cursor:
        (after,) = decode_cursor(cursor, 1)
        rows = [r for r in rows if r.unit_code > after]
    page = rows[:limit]
    return {
        "assignment_id": assignment_id,
        "due_on": head["assignment"]["due_on"],
        "scope": principal.unit,
        "total": _out(head["total"]),
        "items": [_out(r) for r in page],
        "next_cursor": encode_cursor(page[-1].unit_code) if len(rows) > limit else None,
    }


def completion_xlsx(uow_factory: UowFactory, principal: Principal, assignment_id: str, now: dt.datetime) -> bytes:
    """Every unit of the caller's scope and the total, as .xlsx (unit counts only: nobody is named)."""
    head, rows = _tally(uow_factory, principal, assignment_id, now)
    lines = [[r.unit_code, r.assigned, r.studied, r.passed, r.completed, r.overdue, r.rate] for r in rows]
    t = head["total"]
    lines.append([f"合计 total ({principal.unit})", t.assigned, t.studied, t.passed, t.completed, t.overdue, t.rate])
    return write_xlsx(HEADER, lines, sheet_name="学习完成情况")
