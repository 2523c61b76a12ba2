"""The staff audit log: who changed which account, how, when, and whether it was allowed.

Kept by the console, not read from Keycloak's admin events, because every change reaches
Keycloak as the console's service account: only the console knows which administrator made
it. Entries are appended, never changed; no password is ever written here. An administrator
reads the entries about accounts in their own subtree (by the account's unit, refused
attempts included) and those made by administrators of their subtree.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis import units
from console.staff_scope import Actor
from console.tables import staff_audit

PAGE_SIZE = 50


def record(engine: sa.Engine, actor: Actor, action: str, target: str, target_unit: str, outcome: str, **detail) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.insert(staff_audit).values(
                at=dt.datetime.now(dt.UTC),
                actor=f"{actor.name} ({actor.subject})",
                actor_unit=actor.unit,
                action=action,
                target=target,
                target_unit=target_unit or "",
                outcome=outcome,
                detail=detail,
            )
        )


def page(engine: sa.Engine, actor: Actor, number: int) -> tuple[list, bool]:
    """Entries about accounts in the actor's subtree, newest first; and whether there are more."""
    prefix = units.scope_prefix(actor.unit)
    query = (
        sa.select(staff_audit)
        .where(sa.or_(staff_audit.c.target_unit.like(f"{prefix}%"), staff_audit.c.actor_unit.like(f"{prefix}%")))
        .order_by(staff_audit.c.id.desc())
        .offset(max(number - 1, 0) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
