"""The administrative unit tree: loaded from the shipped file, then added to, renamed, retired."""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources

import sqlalchemy as sa

from chassis import units
from chassis.auth import Principal
from chassis.errors import Conflict, InvalidInput, NotFound
from chassis.unit_of_work import UnitOfWork
from registry.adapters.tables import EVENTS, admin_unit_history, admin_units, people
from registry.service_layer.unit_of_work import UowFactory


def load_shipped_units(engine: sa.Engine, filename: str = "shouguang.csv") -> int:
    """Insert the units of the shipped data file that are not there yet; returns how many."""
    text = resources.files("registry.data").joinpath(filename).read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    added = 0
    with UnitOfWork(engine, EVENTS) as uow:  # at set-up, before any actor
        conn = uow.session
        existing = set(conn.execute(sa.select(admin_units.c.code)).scalars())
        for row in rows:
            if row["code"] not in existing:
                conn.execute(
                    admin_units.insert().values(
                        code=row["code"],
                        name=row["name"],
                        level=row["level"],
                        parent_code=row["parent_code"] or None,
                        version=1,
                    )
                )
                added += 1
        uow.commit()
    return added


def tree(uow_factory: UowFactory, principal: Principal, include_retired: bool = False) -> list[dict]:
    """The units the caller may see (their subtree, plus the path up to the root for context)."""
    with uow_factory(principal.subject) as uow:
        conn = uow.session
        query = sa.select(admin_units).where(admin_units.c.code.like(principal.scope_prefix + "%"))
        if not include_retired:
            query = query.where(admin_units.c.retired_at.is_(None))
        return [dict(r) for r in conn.execute(query.order_by(admin_units.c.code)).mappings()]


def add_unit(uow_factory: UowFactory, principal: Principal, code: str, name: str) -> dict:
    principal.require_role("admin")
    with uow_factory(principal.subject) as uow:
        conn = uow.session
        units.check(code)
        parent = units.parent(code)
        if not principal.sees(code):
            raise InvalidInput("新单位不在您的管辖范围内", "The new unit is outside your scope", field="code")
        if conn.execute(sa.select(admin_units.c.code).where(admin_units.c.code == code)).first():
            raise Conflict("该行政区划代码已存在", "This unit code exists already", field="code")
        if parent and not conn.execute(sa.select(admin_units.c.code).where(admin_units.c.code == parent)).first():
            raise InvalidInput(f"上级单位 {parent} 不存在", f"Parent unit {parent} does not exist", field="code")
        conn.execute(
            admin_units.insert().values(code=code, name=name, level=units.level(code), parent_code=parent, version=1)
        )
        _log(uow, code, "added", None, name, principal)
        changed = _get(uow, code)
        uow.commit()
        return changed


def rename_unit(uow_factory: UowFactory, principal: Principal, code: str, name: str) -> dict:
    principal.require_role("admin")
    with uow_factory(principal.subject) as uow:
        conn = uow.session
        unit = _get_in_scope(uow, principal, code)
        conn.execute(
            admin_units.update().where(admin_units.c.code == code).values(name=name, version=unit["version"] + 1)
        )
        _log(uow, code, "renamed", unit["name"], name, principal)
        changed = _get(uow, code)
        uow.commit()
        return changed


def retire_unit(uow_factory: UowFactory, principal: Principal, code: str) -> dict:
    """Retire a unit that no active person belongs to; its history and records stay."""
    principal.require_role("admin")
    with uow_factory(principal.subject) as uow:
        conn = uow.session
        unit = _get_in_scope(uow, principal, code)
        active = conn.execute(
            sa.select(sa.func.count()).where(
                people.c.unit_code.like(units.scope_prefix(code) + "%"), people.c.status == "active"
            )
        ).scalar()
        if active:
            raise Conflict(
                f"该单位下仍有 {active} 名在册人员，请先迁移",
                f"{active} active people still belong to it; move them first",
            )
        conn.execute(
            admin_units.update()
            .where(admin_units.c.code == code)
            .values(retired_at=dt.datetime.now(dt.UTC), version=unit["version"] + 1)
        )
        _log(uow, code, "retired", unit["name"], None, principal)
        changed = _get(uow, code)
        uow.commit()
        return changed


def unit_history(uow_factory: UowFactory, principal: Principal, code: str) -> list[dict]:
    with uow_factory(principal.subject) as uow:
        conn = uow.session
        _get_in_scope(uow, principal, code)
        rows = conn.execute(
            sa.select(admin_unit_history).where(admin_unit_history.c.code == code).order_by(admin_unit_history.c.id)
        )
        return [dict(r) for r in rows.mappings()]


def _get(uow: UnitOfWork, code) -> dict:
    row = uow.session.execute(sa.select(admin_units).where(admin_units.c.code == code)).mappings().first()
    if row is None:
        raise NotFound("未找到该行政区划", "No such admin unit")
    return dict(row)


def _get_in_scope(uow: UnitOfWork, principal, code) -> dict:
    if not principal.sees(code):
        raise NotFound("未找到该行政区划", "No such admin unit")
    return _get(uow, code)


def _log(uow: UnitOfWork, code, action, old, new, principal) -> None:
    uow.session.execute(
        admin_unit_history.insert().values(
            code=code, action=action, old_name=old, new_name=new, actor=principal.subject, at=dt.datetime.now(dt.UTC)
        )
    )
