"""Study materials (学习材料): staff of a unit write them, publish them to their unit (whose whole
subtree may then read and assign them) and withdraw them.

Who sees a material: staff whose scope holds its unit, in any state; staff below its unit once it
is published (a county's material reaches every town), drafts and withdrawn ones staying with the
unit that wrote them. Acting on one (publishing, withdrawing) needs an editor whose scope holds its
unit. A material nobody may see is a 404, whether it exists or not.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from chassis import units
from chassis.auth import Principal
from chassis.errors import InvalidInput, NotFound
from chassis.paging import newest_first, next_newest_first
from servicedesk.adapters.education_tables import materials
from servicedesk.domain import education_rules as rules
from servicedesk.service_layer.unit_of_work import UnitOfWork, UowFactory

EDITORS = ("editor",)


def reaches(published_to: str, unit: str) -> bool:
    """Whether a material or assignment of ``published_to`` reaches ``unit`` (its subtree)."""
    try:
        return units.in_subtree(published_to, unit)
    except units.InvalidUnitCode:
        return False


def above(unit: str) -> list[str]:
    """The units whose subtree holds ``unit``, from its parent up."""
    found, up = [], units.parent(unit)
    while up is not None:
        found.append(up)
        up = units.parent(up)
    return found


def readable(principal: Principal, row: dict) -> bool:
    return principal.sees(row["unit_code"]) or (
        row["state"] == "published" and reaches(row["unit_code"], principal.unit)
    )


def _visible(principal: Principal) -> sa.ColumnElement[bool]:
    """SQL for ``readable``: the caller's subtree, or published by a unit above the caller."""
    return sa.or_(
        materials.c.unit_code.like(principal.scope_prefix + "%"),
        sa.and_(materials.c.state == "published", materials.c.unit_code.in_(above(principal.unit))),
    )


def create(uow_factory: UowFactory, principal: Principal, body: dict, now: dt.datetime) -> dict:
    principal.require_role(*EDITORS)
    if not principal.sees(body["unit_code"]):
        raise InvalidInput("单位超出您的管辖范围", "The unit is outside your scope", field="unit_code")
    rules.check_body(body["kind"], body.get("body"), body.get("url"))
    row = dict(
        id=str(uuid.uuid4()),
        kind=body["kind"],
        category=body["category"],
        title=body["title"],
        body=body.get("body") if body["kind"] == "article" else None,
        url=body.get("url") if body["kind"] != "article" else None,
        unit_code=body["unit_code"],
        state="draft",
        created_by=principal.subject,
        created_at=now,
        published_at=None,
        withdrawn_at=None,
    )
    with uow_factory() as uow:
        uow.session.execute(materials.insert(), row)
        uow.commit()
    return row


def load(uow: UnitOfWork, principal: Principal, material_id: str) -> dict:
    row = uow.session.execute(sa.select(materials).where(materials.c.id == material_id)).mappings().first()
    if row is None or not readable(principal, dict(row)):
        raise NotFound("未找到该学习材料", "No such study material")
    return dict(row)


def get(uow_factory: UowFactory, principal: Principal, material_id: str) -> dict:
    with uow_factory() as uow:
        return load(uow, principal, material_id)


def move(uow_factory: UowFactory, principal: Principal, material_id: str, action: str, now: dt.datetime) -> dict:
    """Publish a draft or withdraw a published material (409 for any other move)."""
    principal.require_role(*EDITORS)
    with uow_factory() as uow:
        row = load(uow, principal, material_id)
        principal.require_scope(row["unit_code"])
        target = rules.material_move(row["state"], action)
        stamp = {"published": "published_at", "withdrawn": "withdrawn_at"}[target]
        done = uow.session.execute(
            materials.update()
            .where(materials.c.id == material_id, materials.c.state == row["state"])
            .values(state=target, **{stamp: now})
        )
        if done.rowcount != 1:
            rules.material_move(target, action)  # someone moved it first: the same 409 they would get now
        uow.commit()
        return {**row, "state": target, stamp: now}


def search(uow_factory: UowFactory, principal: Principal, filters: dict, limit: int, cursor: str | None) -> dict:
    """Materials the caller may read, newest first, by category, kind or state; keyset-paginated."""
    with uow_factory() as uow:
        query = sa.select(materials).where(_visible(principal))
        for field in ("category", "kind", "state"):
            if filters.get(field):
                query = query.where(materials.c[field] == filters[field])
        query = newest_first(query, materials.c.created_at, materials.c.id, cursor)
        rows = [dict(r) for r in uow.session.execute(query.limit(limit + 1)).mappings()]
        return {"items": rows[:limit], "next_cursor": next_newest_first(rows, limit, "created_at")}
