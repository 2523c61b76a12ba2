"""Figures for the department's annual report, for any period and unit subtree: problems
solved by category, activities held, people served, volunteer hours, projects (and
those completed in the period), enterprises, donations and the people they helped."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from chassis import units
from chassis.auth import Principal
from chassis.errors import InvalidInput
from chassis.work_calendar import CST
from servicedesk.adapters.tables import activities, beneficiaries, donations, projects, requests
from servicedesk.service_layer.unit_of_work import UowFactory

CENT = Decimal("0.01")


def report(uow_factory: UowFactory, principal: Principal, start: dt.date, end: dt.date, unit: str | None) -> dict:
    with uow_factory() as uow:
        conn = uow.session
        unit = unit or principal.unit
        if not principal.sees(unit):
            raise InvalidInput("统计范围超出您的管辖范围", "The unit is outside your scope", field="unit")
        if end < start:
            raise InvalidInput("结束日期早于开始日期", "to is before from", field="to")
        prefix = units.scope_prefix(unit)
        # Days are Shouguang's days (China Standard Time), as the annual report counts them.
        since = dt.datetime.combine(start, dt.time(), CST).astimezone(dt.UTC)
        until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), CST).astimezone(dt.UTC)
        in_period = sa.and_(requests.c.created_at >= since, requests.c.created_at < until)
        solved_at = sa.and_(requests.c.resolved_at >= since, requests.c.resolved_at < until)
        mine = requests.c.unit_code.like(prefix + "%")
        solved = dict(
            conn.execute(
                sa.select(requests.c.category, sa.func.count()).where(mine, solved_at).group_by(requests.c.category)
            ).all()
        )
        opened = conn.execute(sa.select(sa.func.count()).where(mine, in_period)).scalar()
        breached = conn.execute(
            sa.select(sa.func.count()).where(
                mine,
                in_period,
                sa.or_(requests.c.response_breached_at.is_not(None), requests.c.resolution_breached_at.is_not(None)),
            )
        ).scalar()
        satisfaction = conn.execute(
            sa.select(sa.func.avg(requests.c.satisfaction)).where(
                mine, requests.c.closed_at >= since, requests.c.closed_at < until
            )
        ).scalar()
        acts = conn.execute(
            sa.select(
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(activities.c.people_served), 0),
                sa.func.coalesce(sa.func.sum(activities.c.total_hours), 0),
            ).where(activities.c.unit_code.like(prefix + "%"), activities.c.held_on.between(start, end))
        ).one()
        in_scope = projects.c.unit_code.like(prefix + "%")
        gifts = conn.execute(
            sa.select(
                sa.func.count(sa.distinct(donations.c.project_id)),
                sa.func.count(sa.distinct(donations.c.donor_person_id)),
                sa.func.coalesce(
                    sa.func.sum(sa.case((donations.c.kind == "money", donations.c.value_yuan), else_=0)), 0
                ),
                sa.func.coalesce(
                    sa.func.sum(sa.case((donations.c.kind == "in_kind", donations.c.value_yuan), else_=0)), 0
                ),
            )
            .join(projects, projects.c.id == donations.c.project_id)
            .where(in_scope, donations.c.donated_on.between(start, end))
        ).one()
        helped = dict(
            conn.execute(
                sa.select(beneficiaries.c.kind, sa.func.sum(beneficiaries.c.count))
                .join(projects, projects.c.id == beneficiaries.c.project_id)
                .where(in_scope, beneficiaries.c.recorded_on.between(start, end))
                .group_by(beneficiaries.c.kind)
            ).all()
        )
        completed = conn.execute(
            sa.select(sa.func.count()).where(in_scope, projects.c.completed_on.between(start, end))
        ).scalar()
        money, in_kind = Decimal(gifts[2]).quantize(CENT), Decimal(gifts[3]).quantize(CENT)
        return {
            "unit": unit,
            "from": start,
            "to": end,
            "requests": {
                "opened": opened,
                "solved": sum(solved.values()),
                "solved_by_category": solved,
                "sla_breached": breached,
                "average_satisfaction": round(float(satisfaction), 2) if satisfaction is not None else None,
            },
            "volunteering": {
                "activities": acts[0],
                "people_served": int(acts[1]),
                "volunteer_hours": Decimal(acts[2]).quantize(Decimal("0.1")),
            },
            "charity": {
                "projects_with_donations": gifts[0],
                "projects_completed": completed,
                "enterprises": gifts[1],
                "money_yuan": money,
                "in_kind_yuan": in_kind,
                "total_yuan": money + in_kind,
                "beneficiaries": {k: int(v) for k, v in helped.items()},
            },
        }
