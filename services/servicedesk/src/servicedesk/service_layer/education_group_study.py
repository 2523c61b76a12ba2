"""Study recorded by staff (集中学习): members who studied an assignment's materials together, at a
session the unit held, are recorded by an editor of a unit whose scope holds each member's task.

It counts as the members' study (time included) and completes an assignment without a quiz; a quiz
stays the member's own to answer. Every member named must hold a task of the assignment placed in
the caller's scope and be active (not archived or merged away since): otherwise one 422 for all
of them, whether the person exists or not, and nothing is written.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.errors import InvalidInput
from servicedesk.adapters.education_tables import study_tasks
from servicedesk.adapters.tables import people
from servicedesk.service_layer.education_assignments import load
from servicedesk.service_layer.education_materials import EDITORS
from servicedesk.service_layer.education_study import record_study, task_of
from servicedesk.service_layer.unit_of_work import UowFactory


def record_session(
    uow_factory: UowFactory, principal: Principal, assignment_id: str, body: dict, now: dt.datetime
) -> dict:
    principal.require_role(*EDITORS)
    person_ids = list(dict.fromkeys(body["person_ids"]))
    with uow_factory() as uow:
        load(uow, principal, assignment_id)
        placed = dict(
            uow.session.execute(
                sa.select(study_tasks.c.person_id, study_tasks.c.unit_code)
                .join(people, people.c.person_id == study_tasks.c.person_id)
                .where(
                    study_tasks.c.assignment_id == assignment_id,
                    study_tasks.c.person_id.in_(person_ids),
                    people.c.status == "active",
                )
            ).all()
        )
        if any(pid not in placed or not principal.sees(placed[pid]) for pid in person_ids):
            raise InvalidInput(
                "所列人员不全是您管辖范围内该学习任务的学员",
                "Not every person named holds this assignment within your scope",
                field="person_ids",
            )
        completed = 0
        for pid in person_ids:
            task, assignment = task_of(uow, pid, assignment_id)
            done = record_study(uow, task, assignment, body["minutes"], now)
            completed += task["completed_at"] is None and done["completed_at"] is not None
        uow.commit()
    return {"assignment_id": assignment_id, "recorded": len(person_ids), "completed": completed}
