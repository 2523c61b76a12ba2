"""Dashboard figures: people by base database x child unit, representatives by body and level."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis import sensitive, units
from chassis.auth import Principal
from chassis.errors import InvalidInput
from registry.adapters.tables import admin_units, memberships, people
from registry.service_layer.queries import READ_ROLES, REVEAL_ROLES
from registry.service_layer.unit_of_work import UowFactory

_CHILD_PREFIX = {"province": 4, "city": 6, "county": 9, "town": 12, "village": 12}
#: Below the reveal right, a count under this in a community's row reads null: a handful of
#: people in one community is close to naming them.
SMALL_COUNT = 5


def category_by_unit(
    uow_factory: UowFactory, principal: Principal, unit: str | None = None, on: dt.date | None = None
) -> dict:
    """Active people per base database, broken down by the child units of ``unit`` (default: the
    caller's). Below the reveal right: no religious or ethnic base database, and a community's
    count under ``SMALL_COUNT`` reads null."""
    principal.require_role(*READ_ROLES)
    with uow_factory(principal.subject) as uow:
        conn = uow.session
        unit = unit or principal.unit
        if not principal.sees(unit):
            raise InvalidInput("统计范围超出您的管辖范围", "The unit is outside your scope", field="unit")
        day = on or dt.date.today()
        width = _CHILD_PREFIX[units.level(unit)]
        child = sa.func.substr(people.c.unit_code, 1, width).label("child")
        rows = conn.execute(
            sa.select(child, memberships.c.category, sa.func.count(sa.distinct(people.c.id)))
            .select_from(people.join(memberships, memberships.c.person_id == people.c.id))
            .where(
                people.c.unit_code.like(units.scope_prefix(unit) + "%"),
                people.c.status == "active",
                memberships.c.start_date <= day,
                sa.or_(memberships.c.end_date.is_(None), memberships.c.end_date > day),
            )
            .group_by(child, memberships.c.category)
        ).all()
        names = dict(conn.execute(sa.select(admin_units.c.code, admin_units.c.name)).all())
        cells: dict[str, dict[str, int | None]] = {}
        plain = principal.has_role(*REVEAL_ROLES)
        for prefix, category, count in rows:
            code = prefix.ljust(12, "0")
            if not plain and sensitive.is_sensitive_value(category):
                continue  # religious and ethnic base databases are counted for editors only
            small = not plain and width == 12 and count < SMALL_COUNT
            cells.setdefault(code, {})[category] = None if small else count
        totals = conn.execute(
            sa.select(sa.func.count()).where(
                people.c.unit_code.like(units.scope_prefix(unit) + "%"), people.c.status == "active"
            )
        ).scalar()
        return {
            "unit": unit,
            "as_of": day,
            "active_people": totals,
            "rows": [{"unit_code": c, "unit_name": names.get(c, c), "counts": v} for c, v in sorted(cells.items())],
        }


def representatives_by_body(uow_factory: UowFactory, principal: Principal) -> list[dict]:
    principal.require_role(*READ_ROLES)
    with uow_factory(principal.subject) as uow:
        conn = uow.session
        counts: dict[tuple[str, str], int] = {}
        for (roles,) in conn.execute(
            sa.select(people.c.representative_roles).where(
                people.c.unit_code.like(principal.scope_prefix + "%"),
                people.c.status == "active",
                people.c.is_representative.is_(True),
            )
        ):
            for role in roles or []:
                key = (role["body"], role["level"])
                counts[key] = counts.get(key, 0) + 1
        return [{"body": b, "level": lvl, "count": n} for (b, lvl), n in sorted(counts.items())]
