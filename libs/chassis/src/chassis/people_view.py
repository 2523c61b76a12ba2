"""A consumer's local view of people, kept from ``registry.person.v1`` (never from the
registry's API). Evaluation, the service desk and the gateway each keep one.

Every registry event carries the person's whole snapshot and its version: the
newest version wins, so redelivered or reordered events change nothing. ``reset``
empties the view for a replay from the start of the topic; ``digest`` proves the
replay rebuilt it identically. ``person_in_scope`` is what staff may read of it
(``chassis.http.people`` serves it as ``GET /people/<person_id>``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis.auth import Principal
from chassis.contracts import registry
from chassis.errors import NotFound
from chassis.events import Envelope
from chassis.unit_of_work import UowFactory

PERSON_EVENTS = [
    registry.PERSON_REGISTERED,
    registry.PERSON_UPDATED,
    registry.PERSON_MOVED,
    registry.CATEGORY_JOINED,
    registry.CATEGORY_LEFT,
    registry.REPRESENTATIVE_CHANGED,
    registry.PERSON_ARCHIVED,
    registry.PERSON_RESTORED,
    registry.PERSON_MERGED,
]


def people_view_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "people_view",
        metadata,
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("unit_code", sa.String(12), nullable=False, index=True),
        sa.Column("id_digest", sa.String(64), nullable=False, index=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("representative_roles", sa.JSON, nullable=False),
        sa.Column("is_representative", sa.Boolean, nullable=False),
    )


def apply(session: Session | sa.Connection, table: sa.Table, envelope: Envelope) -> dict[str, Any] | None:
    """Apply one person event; returns the new row, or None when the view already had a newer version."""
    d = envelope.data
    row = dict(
        person_id=d["person_id"],
        version=d["version"],
        name=d["name"],
        unit_code=d["unit_code"],
        id_digest=d["id_digest"],
        status=d["status"],
        categories=d["categories"],
        representative_roles=d["representative_roles"],
        is_representative=bool(d["representative_roles"]),
    )
    current = session.execute(sa.select(table.c.version).where(table.c.person_id == d["person_id"])).scalar()
    if current is None:
        session.execute(table.insert(), row)
    elif d["version"] > current:
        session.execute(table.update().where(table.c.person_id == d["person_id"]), row)
    else:
        return None
    return row


def reset(session: Session | sa.Connection, table: sa.Table) -> None:
    session.execute(table.delete())


def digest(engine: sa.Engine, table: sa.Table) -> str:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(table).order_by(table.c.person_id)).mappings().all()
    return hashlib.sha256(json.dumps([dict(r) for r in rows], sort_keys=True, default=str).encode()).hexdigest()


def person_in_scope(
    uow_factory: UowFactory, table: sa.Table, principal: Principal, person_id: str, unknown: tuple[str, str]
) -> dict[str, Any]:
    """The view's record of a person without its ID digest, if the person is in the caller's scope;
    otherwise 404 with ``unknown`` (Chinese, English), the same whether absent or out of scope."""
    with uow_factory() as uow:
        row = uow.session.execute(sa.select(table).where(table.c.person_id == person_id)).mappings().first()
    if row is None or not principal.sees(row["unit_code"]):
        raise NotFound(*unknown)
    return {k: v for k, v in row.items() if k != "id_digest"}
