"""The administrative unit tree: loaded from the shipped file, then added to, renamed, retired."""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources

import sqlalchemy as sa

from chassis import units
from chassis.auth import Principal
from chassis.errors import Conflict, InvalidInput, NotFound
from registry.adapters.tables import admin_unit_history, admin_units, people


def load_shipped_units(engine: sa.Engine, filename: str = "shouguang.csv") -> int:
    """Insert the units of the shipped data file that are not there yet; returns how many."""
    text = resources.files("registry.data").joinpath(filename).read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    added = 0
    with engine.begin() as conn:
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
    return added


def tree(conn: sa.Connection, principal: Principal, include_retired: bool = False) -> list[dict]:
    """The units the caller may see (their subtree, plus the path up to the root for context)."""
    query = sa.select(admin_units).where(admin_units.c.code.like(principal.scope_prefix + "%"))
    if not include_retired:
        query = query.where(admin_units.c.retired_at.is_(None))
    return [dict(r) for r in conn.execute(query.order_by(admin_units.c.code)).mappings()]


def add_unit(conn: sa.Connection, principal: Principal, code: str, name: str) -> dict:
    principal.require_role("admin")
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
    _log(conn, code, "added", None, name, principal)
    return _get(conn, code)


def rename_unit(conn: sa.Connection, principal: Principal, code: str, name: str) -> dict:
    principal.require_role("admin")
    unit = _get_in_scope(conn, principal, code)
    conn.execute(admin_units.update().where(admin_units.c.code == code).values(name=name, version=unit["version"] + 1))
    _log(conn, code, "renamed", unit["name"], name, principal)
    return _get(conn, code)


def retire_unit(conn: sa.Connection, principal: Principal, code: str) -> dict:
    """Retire a unit that no active person belongs to; its history and records stay."""
    principal.require_role("admin")
    unit = _get_in_scope(conn, principal, code)
    active = conn.execute(
        sa.select(sa.func.count()).where(
            people.c.unit_code.like(units.scope_prefix(code) + "%"), people.c.status == "active"
        )
    ).scalar()
    if active:
        raise Conflict(
            f"该单位下仍有 {active} 名在册人员，请先迁移", f"{active} active people still belong to it; move them first"
        )
    conn.execute(
        admin_units.update()
        .where(admin_units.c.code == code)
        .values(retired_at=dt.datetime.now(dt.UTC), version=unit["version"] + 1)
    )
    _log(conn, code, "retired", unit["name"], None, principal)
    return _get(conn, code)


def unit_history(conn: sa.Connection, principal: Principal, code: str) -> list[dict]:
    _get_in_scope(conn, principal, code)
    rows = conn.execute(
        sa.select(admin_unit_history).where(admin_unit_history.c.code == code).order_by(admin_unit_history.c.id)
    )
    return [dict(r) for r in rows.mappings()]


def _get(conn, code) -> dict:
    row = conn.execute(sa.select(admin_units).where(admin_units.c.code == code)).mappings().first()
    if row is None:
        raise NotFound("未找到该行政区划", "No such admin unit")
    return dict(row)


def _get_in_scope(conn, principal, code) -> dict:
    if not principal.sees(code):
        raise NotFound("未找到该行政区划", "No such admin unit")
    return _get(conn, code)


def _log(conn, code, action, old, new, principal) -> None:
    conn.execute(
        admin_unit_history.insert().values(
            code=code, action=action, old_name=old, new_name=new, actor=principal.subject, at=dt.datetime.now(dt.UTC)
        )
    )
