"""The staff audit log: who changed which account, how, when, and whether it was allowed.

Kept by the console, not read from Keycloak's admin events, because every change reaches
Keycloak as the console's service account: only the console knows which administrator made
it. Entries are appended, never changed; no password is ever written here. A change is
recorded as its intent (``requested``) before the first call to Keycloak and as its outcome
(``done`` or ``failed``) after, so a change that stopped half-way (the account created, its
roles not set) still has its row. Refusals (``refused``) are recorded too, those answered as
"not found" included. The actor is their sign-in name, which they cannot edit.

An administrator reads the entries about accounts in their own subtree (by the account's
unit, refused attempts included) and those made by administrators of their subtree. The
log also says who disabled an account, which decides who may re-enable it.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import sqlalchemy as sa

from chassis import units
from console.api import ApiError
from console.staff_scope import Actor
from console.tables import staff_audit

PAGE_SIZE = 50


def record(
    engine: sa.Engine,
    actor: Actor,
    action: str,
    target: str,
    target_unit: str,
    outcome: str,
    target_id: str = "",
    **detail,
) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.insert(staff_audit).values(
                at=dt.datetime.now(dt.UTC),
                actor=f"{actor.username} ({actor.subject})",
                actor_unit=actor.unit,
                action=action,
                target=target[:255],
                target_id=target_id,
                target_unit=target_unit or "",
                outcome=outcome,
                detail=detail,
            )
        )


@contextlib.contextmanager
def change(engine: sa.Engine, actor: Actor, action: str, target: str, target_unit: str, target_id: str = "", **detail):
    """Record the intent, run the Keycloak calls, record their outcome (the error if any)."""
    record(engine, actor, action, target, target_unit, "requested", target_id, **detail)
    try:
        yield
    except Exception as err:
        reason = err.detail_en if isinstance(err, ApiError) else type(err).__name__
        record(engine, actor, action, target, target_unit, "failed", target_id, **detail, error=reason)
        raise
    record(engine, actor, action, target, target_unit, "done", target_id, **detail)


def disabled_by_unit(engine: sa.Engine, target_id: str) -> str | None:
    """The unit of the admin whose console change last disabled the account, or ``None`` when
    its last enable/disable in the console was not a disable (it was disabled elsewhere)."""
    query = (
        sa.select(staff_audit.c.action, staff_audit.c.actor_unit)
        .where(
            staff_audit.c.target_id == target_id,
            staff_audit.c.action.in_(("disable", "enable")),
            staff_audit.c.outcome == "done",
        )
        .order_by(staff_audit.c.id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        last = conn.execute(query).first()
    return last.actor_unit if last is not None and last.action == "disable" else None


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
