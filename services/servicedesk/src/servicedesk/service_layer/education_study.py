"""A member's own study (the portal's side): their assignments, the materials and quiz questions
(never the right answers), marking study with the time spent, and quiz attempts.

Every use case takes the person id of the member's token (``Principal.require_member``), whose
record must be active in the people view (``active_member``), and acts on that member's study
tasks only: an assignment the member was not given is a 404, the same as
one that does not exist. An attempt is recorded once per ``submission_id`` (a resend returns the
first answer and changes nothing); every other attempt is kept. Completing an assignment (studied,
and passed if it has a quiz) is recorded once, guarded in SQL, and published then.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.contracts.servicedesk import STUDY_ASSIGNMENT_COMPLETED
from chassis.errors import Conflict, Forbidden, InvalidInput, NotFound
from chassis.work_calendar import CST
from servicedesk.adapters.education_tables import assignments, materials, quiz_attempts, study_tasks
from servicedesk.adapters.tables import people
from servicedesk.domain import education_rules as rules
from servicedesk.service_layer.education_assignments import material_ids
from servicedesk.service_layer.history import aware
from servicedesk.service_layer.unit_of_work import UnitOfWork, UowFactory


def active_member(uow: UnitOfWork, principal: Principal) -> str:
    """The person id of a member's token whose record is active in the people view: a member archived
    or merged away keeps their sign-in until the identity provider learns it, but studies no more
    (their completions would still be counted)."""
    person_id = principal.require_member()
    status = uow.session.execute(sa.select(people.c.status).where(people.c.person_id == person_id)).scalar()
    if status != "active":
        raise Forbidden("您的成员记录已归档或合并，不能继续学习", "Your member record is archived or merged: no study")
    return person_id


def task_of(uow: UnitOfWork, person_id: str, assignment_id: str) -> tuple[dict, dict]:
    found = uow.session.execute(
        sa.select(study_tasks, assignments.c.title, assignments.c.due_on, assignments.c.pass_mark, assignments.c.quiz)
        .join(assignments, assignments.c.id == study_tasks.c.assignment_id)
        .where(study_tasks.c.assignment_id == assignment_id, study_tasks.c.person_id == person_id)
    ).mappings().first()  # fmt: skip
    if found is None:
        raise NotFound("未找到该学习任务", "No such study assignment")
    row = dict(found)
    return row, {"due_on": row["due_on"], "pass_mark": row["pass_mark"], "quiz": row["quiz"]}


def _attempts(uow: UnitOfWork, person_id: str, assignment_id: str) -> tuple[int, int | None]:
    count, best = uow.session.execute(
        sa.select(sa.func.count(), sa.func.max(quiz_attempts.c.score)).where(
            quiz_attempts.c.assignment_id == assignment_id, quiz_attempts.c.person_id == person_id
        )
    ).one()
    return count, best


def _status(uow: UnitOfWork, task: dict, now: dt.datetime) -> dict:
    attempts, best = _attempts(uow, task["person_id"], task["assignment_id"])
    completed_on = aware(task["completed_at"]).astimezone(CST).date() if task["completed_at"] else None
    return {
        "assignment_id": task["assignment_id"],
        "title": task["title"],
        "due_on": task["due_on"],
        "pass_mark": task["pass_mark"],
        "question_count": len(task["quiz"]),
        "studied": task["studied_at"] is not None,
        "minutes_studied": task["minutes_studied"],
        "attempts": attempts,
        "best_score": best,
        "passed": task["passed_at"] is not None,
        "completed_at": task["completed_at"],
        "overdue": rules.overdue(task["due_on"], completed_on, now.astimezone(CST).date()),
    }


def my_assignments(uow_factory: UowFactory, principal: Principal, now: dt.datetime, limit: int) -> list[dict]:
    """The member's assignments, the latest due first (``limit`` of them)."""
    with uow_factory() as uow:
        person_id = active_member(uow, principal)
        rows = uow.session.execute(
            sa.select(study_tasks, assignments.c.title, assignments.c.due_on, assignments.c.pass_mark,
                      assignments.c.quiz)
            .join(assignments, assignments.c.id == study_tasks.c.assignment_id)
            .where(study_tasks.c.person_id == person_id)
            .order_by(assignments.c.due_on.desc(), assignments.c.id)
            .limit(limit)
        ).mappings()  # fmt: skip
        return [_status(uow, dict(r), now) for r in rows]


def my_assignment(uow_factory: UowFactory, principal: Principal, assignment_id: str, now: dt.datetime) -> dict:
    """One assignment: its materials still published, and its questions without their answers."""
    with uow_factory() as uow:
        person_id = active_member(uow, principal)
        task, assignment = task_of(uow, person_id, assignment_id)
        ids = material_ids(uow, assignment_id)
        found = {
            m["id"]: dict(m)
            for m in uow.session.execute(
                sa.select(materials.c.id, materials.c.kind, materials.c.category, materials.c.title,
                          materials.c.body, materials.c.url, materials.c.state)
                .where(materials.c.id.in_(ids), materials.c.state == "published")
            ).mappings()
        }  # fmt: skip
        questions = [rules.Question(q["text"], tuple(q["options"]), frozenset(q["answer"])) for q in assignment["quiz"]]
        return {
            **_status(uow, task, now),
            "materials": [found[i] for i in ids if i in found],
            "questions": [q.public() for q in questions],
        }


def study(uow_factory: UowFactory, principal: Principal, assignment_id: str, minutes: int, now: dt.datetime) -> dict:
    """Record study and the minutes it took (added up); completes an assignment without a quiz, or
    one whose quiz the member already passed."""
    with uow_factory() as uow:
        person_id = active_member(uow, principal)
        task, assignment = task_of(uow, person_id, assignment_id)
        answer = _status(uow, record_study(uow, task, assignment, minutes, now), now)
        uow.commit()
        return answer


def record_study(uow: UnitOfWork, task: dict, assignment: dict, minutes: int, now: dt.datetime) -> dict:
    """Add ``minutes`` of study to a task (the first study stamps when), completing it if that is all it needed."""
    changes: dict = {"minutes_studied": study_tasks.c.minutes_studied + minutes}
    if task["studied_at"] is None:
        changes["studied_at"] = now
    uow.session.execute(
        study_tasks.update()
        .where(study_tasks.c.assignment_id == task["assignment_id"], study_tasks.c.person_id == task["person_id"])
        .values(**changes)
    )
    task = {**task, "studied_at": task["studied_at"] or now, "minutes_studied": task["minutes_studied"] + minutes}
    return _complete_if_done(uow, task, assignment, now)


def attempt(uow_factory: UowFactory, principal: Principal, assignment_id: str, body: dict, now: dt.datetime) -> dict:
    """Score an attempt at the quiz against the answers kept here; the same ``submission_id`` again
    gives the first result and records nothing."""
    with uow_factory() as uow:
        person_id = active_member(uow, principal)
        task, assignment = task_of(uow, person_id, assignment_id)
        earlier = uow.session.execute(
            sa.select(quiz_attempts).where(
                quiz_attempts.c.assignment_id == assignment_id,
                quiz_attempts.c.person_id == person_id,
                quiz_attempts.c.submission_id == body["submission_id"],
            )
        ).mappings().first()  # fmt: skip
        if earlier is not None:
            if earlier["answers"] != body["answers"]:
                raise Conflict("该提交编号已用于另一份答卷", "This submission_id was used for other answers")
            return _result(uow, dict(earlier), task, now)
        if not assignment["quiz"]:
            raise InvalidInput("该学习任务没有测试题", "This assignment has no quiz", field="answers")
        questions = [rules.Question(q["text"], tuple(q["options"]), frozenset(q["answer"])) for q in assignment["quiz"]]
        points = rules.score(questions, body["answers"])
        passed = rules.passed(points, assignment["pass_mark"])
        row = dict(assignment_id=assignment_id, person_id=person_id, submission_id=body["submission_id"],
                   answers=body["answers"], score=points, passed=passed, submitted_at=now)  # fmt: skip
        uow.session.execute(quiz_attempts.insert(), row)
        if passed and task["passed_at"] is None:
            uow.session.execute(
                study_tasks.update()
                .where(study_tasks.c.assignment_id == assignment_id, study_tasks.c.person_id == person_id,
                       study_tasks.c.passed_at.is_(None))
                .values(passed_at=now)
            )  # fmt: skip
            task = _complete_if_done(uow, {**task, "passed_at": now}, assignment, now)
        answer = _result(uow, row, task, now)
        uow.commit()
        return answer


def _result(uow: UnitOfWork, attempt_row: dict, task: dict, now: dt.datetime) -> dict:
    attempts, best = _attempts(uow, task["person_id"], task["assignment_id"])
    return {
        "score": attempt_row["score"],
        "passed": attempt_row["passed"],
        "pass_mark": task["pass_mark"],
        "attempts": attempts,
        "best_score": best,
        "completed": task["completed_at"] is not None,
    }


def _complete_if_done(uow: UnitOfWork, task: dict, assignment: dict, now: dt.datetime) -> dict:
    progress = rules.Progress(task["studied_at"] is not None, task["passed_at"] is not None, bool(assignment["quiz"]))
    if task["completed_at"] is not None or not progress.completes:
        return task
    done = uow.session.execute(
        study_tasks.update()
        .where(study_tasks.c.assignment_id == task["assignment_id"], study_tasks.c.person_id == task["person_id"],
               study_tasks.c.completed_at.is_(None))
        .values(completed_at=now)
    )  # fmt: skip
    if done.rowcount == 1:  # once, whichever request got here first
        _, best = _attempts(uow, task["person_id"], task["assignment_id"])
        uow.emit(
            STUDY_ASSIGNMENT_COMPLETED,
            task["assignment_id"],
            {
                "assignment_id": task["assignment_id"],
                "person_id": task["person_id"],
                "unit_code": task["unit_code"],
                "completed_at": now.isoformat(),
                "on_time": rules.on_time(assignment["due_on"], now.astimezone(CST).date()),
                "score": best if assignment["quiz"] else None,
            },
        )
    return {**task, "completed_at": now}
