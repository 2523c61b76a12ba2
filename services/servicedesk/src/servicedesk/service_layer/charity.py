"""Charity programmes (光彩事业, 感恩行动): projects, the enterprises that give (registry
people), donations in money or in kind, and the people helped.

Money is exact: yuan as decimals with two places, never floats. A gift in kind is
recorded with what was given and its assessed value, which the totals count.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.contracts.servicedesk import DONATION_RECORDED
from chassis.errors import Conflict, InvalidInput, NotFound
from chassis.work_calendar import CST
from servicedesk.adapters.tables import beneficiaries, donations, people, projects
from servicedesk.service_layer.unit_of_work import UnitOfWork, UowFactory

PROGRAMMES = {"guangcai": "光彩事业", "gratitude": "感恩行动"}
BENEFICIARY_KINDS = {
    "pupils_sponsored": "资助学生",
    "elderly_visited": "走访老人",
    "families_helped": "帮扶家庭",
    "other": "其他",
}
CENT = Decimal("0.01")


def create_project(uow_factory: UowFactory, principal: Principal, body: dict) -> dict:
    principal.require_role("editor")
    with uow_factory() as uow:
        session = uow.session
        if not principal.sees(body["unit_code"]):
            raise InvalidInput("单位超出您的管辖范围", "The unit is outside your scope", field="unit_code")
        row = {**body, "id": str(uuid.uuid4()), "created_by": principal.subject}
        session.execute(projects.insert(), row)
        created = project_in(uow, principal, row["id"])
        uow.commit()
        return created


def project(uow_factory: UowFactory, principal: Principal, project_id: str) -> dict:
    with uow_factory() as uow:
        return project_in(uow, principal, project_id)


def project_in(uow: UnitOfWork, principal: Principal, project_id: str) -> dict:
    session = uow.session
    row = session.execute(sa.select(projects).where(projects.c.id == project_id)).mappings().first()
    if row is None or not principal.sees(row["unit_code"]):
        raise NotFound("未找到该项目", "No such project")
    given = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count(sa.distinct(donations.c.donor_person_id)),
            sa.func.coalesce(sa.func.sum(donations.c.value_yuan), 0),
        ).where(donations.c.project_id == project_id)
    ).one()
    helped = dict(
        session.execute(
            sa.select(beneficiaries.c.kind, sa.func.sum(beneficiaries.c.count))
            .where(beneficiaries.c.project_id == project_id)
            .group_by(beneficiaries.c.kind)
        ).all()
    )
    return {
        **row,
        "donations": given[0],
        "enterprises": given[1],
        "total_yuan": Decimal(given[2]).quantize(CENT),
        "beneficiaries": {k: int(v) for k, v in helped.items()},
    }


def project_list(uow_factory: UowFactory, principal: Principal) -> list[dict]:
    with uow_factory() as uow:
        conn = uow.session
        rows = (
            conn.execute(
                sa.select(projects.c.id)
                .where(projects.c.unit_code.like(principal.scope_prefix + "%"))
                .order_by(projects.c.started_on.desc(), projects.c.id)
            )
            .scalars()
            .all()
        )
        return [project_in(uow, principal, pid) for pid in rows]


def donate(uow_factory: UowFactory, principal: Principal, project_id: str, body: dict) -> dict:
    principal.require_role("editor")
    with uow_factory() as uow:
        session = uow.session
        p = project_in(uow, principal, project_id)
        donor = (
            session.execute(sa.select(people).where(people.c.person_id == body["donor_person_id"])).mappings().first()
        )
        if donor is None or not principal.sees(donor["unit_code"]):  # one answer: no probing for ids outside the scope
            raise InvalidInput(
                "您的管辖范围内没有此企业或人员", "No such donor within your scope", field="donor_person_id"
            )
        value = Decimal(body["value_yuan"])
        if value <= 0 or value != value.quantize(CENT):
            raise InvalidInput(
                "金额须为正数，最多两位小数", "value_yuan must be positive with at most 2 decimals", field="value_yuan"
            )
        if body["kind"] == "in_kind" and not body.get("goods"):
            raise InvalidInput("实物捐赠请写明物品", "A gift in kind names its goods", field="goods")
        row = dict(
            id=str(uuid.uuid4()),
            project_id=project_id,
            donor_person_id=donor["person_id"],
            kind=body["kind"],
            value_yuan=value,
            goods=body.get("goods"),
            donated_on=body["donated_on"],
            recorded_by=principal.subject,
        )
        session.execute(donations.insert(), row)
        uow.emit(
            DONATION_RECORDED,
            row["id"],
            {
                "donation_id": row["id"],
                "project_id": project_id,
                "programme": p["programme"],
                "donor_person_id": donor["person_id"],
                "unit_code": p["unit_code"],
                "kind": row["kind"],
                "value_yuan": str(value),
                "donated_on": row["donated_on"].isoformat(),
            },
        )
        uow.commit()
        return row


def record_beneficiaries(uow_factory: UowFactory, principal: Principal, project_id: str, body: dict) -> dict:
    principal.require_role("editor")
    with uow_factory() as uow:
        session = uow.session
        project_in(uow, principal, project_id)
        row = {**body, "id": str(uuid.uuid4()), "project_id": project_id}
        row["recorded_on"] = body.get("recorded_on") or dt.datetime.now(CST).date()
        session.execute(beneficiaries.insert(), row)
        uow.commit()
        return row


def complete_project(uow_factory: UowFactory, principal: Principal, project_id: str, body: dict) -> dict:
    """Mark a project completed (once), so the figures can say how many projects were completed."""
    principal.require_role("editor")
    with uow_factory() as uow:
        p = project_in(uow, principal, project_id)
        if p["state"] == "completed":
            raise Conflict("该项目已完成", "The project is already completed", state=p["state"])
        completed_on = body.get("completed_on") or dt.datetime.now(CST).date()
        if completed_on < p["started_on"]:
            raise InvalidInput("完成日期早于项目开始日期", "completed_on is before started_on", field="completed_on")
        won = uow.session.execute(
            projects.update()
            .where(projects.c.id == project_id, projects.c.state == "ongoing")
            .values(state="completed", completed_on=completed_on, completed_by=principal.subject)
        )
        if won.rowcount != 1:  # another completion committed since the read: theirs stands
            raise Conflict("该项目已完成", "The project is already completed", state="completed")
        done = project_in(uow, principal, project_id)
        uow.commit()
        return done
