"""The volunteer service corps (同心·社会服务团): branches, volunteers (registry people)
and the activities they hold, with hours and the number of people served."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.contracts.servicedesk import ACTIVITY_RECORDED
from chassis.errors import InvalidInput, NotFound
from chassis.work_calendar import CST
from servicedesk.adapters.tables import activities, activity_volunteers, branches, people, volunteers
from servicedesk.service_layer.unit_of_work import UnitOfWork, UowFactory

ACTIVITY_KINDS = {
    "free_clinic": "义诊",
    "legal_advice": "法律咨询",
    "education_aid": "助学支教",
    "elderly_visit": "走访慰问老人",
    "enterprise_service": "企业服务月",
    "technology_matchmaking": "科技对接",
    "other": "其他",
}


def active_person(uow: UnitOfWork, principal: Principal, person_id: str) -> dict:
    """The person, if active and within the caller's scope; one answer for unknown and out of scope."""
    session = uow.session
    row = session.execute(sa.select(people).where(people.c.person_id == person_id)).mappings().first()
    if row is None or row["status"] != "active" or not principal.sees(row["unit_code"]):
        raise InvalidInput(
            "您的管辖范围内没有此人或已归档", "No active person by that id within your scope", field="person_id"
        )
    return dict(row)


def _branch_in_scope(uow: UnitOfWork, principal: Principal, code: str) -> None:
    """A branch the caller may attach people or activities to: its unit lies in the caller's scope."""
    session = uow.session
    unit = session.execute(sa.select(branches.c.unit_code).where(branches.c.code == code)).scalar()
    if unit is None or not principal.sees(unit):
        raise InvalidInput("您的管辖范围内没有这个分团", "No such branch within your scope", field="branch_code")


def save_branch(uow_factory: UowFactory, principal: Principal, body: dict) -> dict:
    principal.require_role("admin")
    with uow_factory() as uow:
        session = uow.session
        if not principal.sees(body["unit_code"]):
            raise InvalidInput("单位超出您的管辖范围", "The unit is outside your scope", field="unit_code")
        existing = session.execute(sa.select(branches.c.unit_code).where(branches.c.code == body["code"])).first()
        if existing:
            principal.require_scope(existing.unit_code)  # nobody takes over another unit's branch
            session.execute(branches.update().where(branches.c.code == body["code"]).values(body))
        else:
            session.execute(branches.insert(), body)
        uow.commit()
        return body


def branch_list(uow_factory: UowFactory) -> list[dict]:
    with uow_factory() as uow:
        conn = uow.session
        counts = dict(
            conn.execute(
                sa.select(volunteers.c.branch_code, sa.func.count())
                .where(volunteers.c.active.is_(True))
                .group_by(volunteers.c.branch_code)
            ).all()
        )
        rows = conn.execute(sa.select(branches).order_by(branches.c.code)).mappings()
        return [{**r, "volunteers": counts.get(r["code"], 0)} for r in rows]


def enrol(uow_factory: UowFactory, principal: Principal, body: dict) -> dict:
    principal.require_role("editor")
    with uow_factory() as uow:
        session = uow.session
        person = active_person(uow, principal, body["person_id"])
        _branch_in_scope(uow, principal, body["branch_code"])
        row = dict(
            person_id=person["person_id"],
            branch_code=body["branch_code"],
            expertise=body.get("expertise"),
            joined_on=body.get("joined_on") or dt.datetime.now(CST).date(),
            active=True,
        )
        if session.execute(
            sa.select(volunteers.c.person_id).where(volunteers.c.person_id == person["person_id"])
        ).first():
            session.execute(volunteers.update().where(volunteers.c.person_id == person["person_id"]).values(row))
        else:
            session.execute(volunteers.insert(), row)
        uow.commit()
        return {**row, "name": person["name"], "unit_code": person["unit_code"]}


def record_activity(uow_factory: UowFactory, principal: Principal, body: dict) -> dict:
    """An activity with its volunteers and their hours; each volunteer must be enrolled."""
    principal.require_role("editor")
    with uow_factory() as uow:
        session = uow.session
        if not principal.sees(body["unit_code"]):
            raise InvalidInput("活动地点超出您的管辖范围", "The place is outside your scope", field="unit_code")
        ids = [v["person_id"] for v in body["volunteers"]]
        if len(ids) != len(set(ids)):
            raise InvalidInput("志愿者重复", "A volunteer is listed twice", field="volunteers")
        # hours count only for enrolled volunteers the caller may see:
        # nobody credits (or reveals) another county's people
        enrolled = {
            row.person_id
            for row in session.execute(
                sa.select(volunteers.c.person_id, people.c.unit_code)
                .join(people, people.c.person_id == volunteers.c.person_id)
                .where(volunteers.c.person_id.in_(ids), volunteers.c.active.is_(True))
            )
            if principal.sees(row.unit_code)
        }
        if missing := [i for i in ids if i not in enrolled]:
            raise InvalidInput(
                f"{len(missing)} 人不是您管辖范围内的服务团志愿者",
                f"Not enrolled volunteers within your scope: {missing}",
                field="volunteers",
            )
        if body.get("branch_code"):
            _branch_in_scope(uow, principal, body["branch_code"])
        activity_id = str(uuid.uuid4())
        total = sum((Decimal(str(v["hours"])) for v in body["volunteers"]), Decimal(0))
        row = dict(
            id=activity_id,
            branch_code=body.get("branch_code"),
            kind=body["kind"],
            title=body["title"],
            held_on=body["held_on"],
            unit_code=body["unit_code"],
            people_served=body["people_served"],
            total_hours=total,
            recorded_by=principal.subject,
            recorded_at=dt.datetime.now(dt.UTC),
        )
        session.execute(activities.insert(), row)
        session.execute(
            activity_volunteers.insert(),
            [
                dict(activity_id=activity_id, person_id=v["person_id"], hours=Decimal(str(v["hours"])))
                for v in body["volunteers"]
            ],
        )
        uow.emit(
            ACTIVITY_RECORDED,
            activity_id,
            {
                "activity_id": activity_id,
                "branch": row["branch_code"],
                "kind": row["kind"],
                "title": row["title"],
                "held_on": row["held_on"].isoformat(),
                "unit_code": row["unit_code"],
                "volunteers": [{"person_id": v["person_id"], "hours": str(v["hours"])} for v in body["volunteers"]],
                "people_served": row["people_served"],
            },
        )
        recorded = activity_in(uow, principal, activity_id)
        uow.commit()
        return recorded


def activity(uow_factory: UowFactory, principal: Principal, activity_id: str) -> dict:
    with uow_factory() as uow:
        return activity_in(uow, principal, activity_id)


def activity_in(uow: UnitOfWork, principal: Principal, activity_id: str) -> dict:
    session = uow.session
    row = session.execute(sa.select(activities).where(activities.c.id == activity_id)).mappings().first()
    if row is None or not principal.sees(row["unit_code"]):
        raise NotFound("未找到该活动", "No such activity")
    who = session.execute(
        sa.select(activity_volunteers.c.person_id, activity_volunteers.c.hours, people.c.name)
        .join(people, people.c.person_id == activity_volunteers.c.person_id, isouter=True)
        .where(activity_volunteers.c.activity_id == activity_id)
        .order_by(activity_volunteers.c.person_id)
    ).mappings()
    return {**row, "volunteers": [dict(v) for v in who]}


def activity_list(
    uow_factory: UowFactory, principal: Principal, start: dt.date | None, end: dt.date | None, limit: int, offset: int
):
    with uow_factory() as uow:
        conn = uow.session
        query = sa.select(activities).where(activities.c.unit_code.like(principal.scope_prefix + "%"))
        if start:
            query = query.where(activities.c.held_on >= start)
        if end:
            query = query.where(activities.c.held_on <= end)
        total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar()
        rows = conn.execute(query.order_by(activities.c.held_on.desc(), activities.c.id).limit(limit).offset(offset))
        return {"items": [dict(r) for r in rows.mappings()], "total": total}
