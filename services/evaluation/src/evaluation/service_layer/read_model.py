"""The local view of people, kept from ``registry.person.v1`` (never from the registry's API).

Each registry event carries the person's snapshot and version: the newest version
wins, so redelivered or reordered events change nothing. ``reset`` empties the view
for a replay from the start of the topic.
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis.events import Envelope
from evaluation.adapters.tables import people, violations

PERSON_EVENTS = [
    f"cn.tongxin.registry.person.{suffix}.v1"
    for suffix in (
        "registered",
        "updated",
        "moved",
        "category_joined",
        "category_left",
        "representative_changed",
        "archived",
        "restored",
        "merged",
    )
]


def apply_person_event(session: Session, envelope: Envelope) -> None:
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
    current = session.execute(sa.select(people.c.version).where(people.c.person_id == d["person_id"])).scalar()
    if current is None:
        session.execute(people.insert(), row)
    elif d["version"] > current:
        session.execute(people.update().where(people.c.person_id == d["person_id"]), row)
    # A notice may have arrived before the person did: link it now.
    session.execute(
        violations.update()
        .where(violations.c.person_id.is_(None), violations.c.id_digest == d["id_digest"])
        .values(person_id=d["person_id"])
    )


def reset(session: Session) -> None:
    session.execute(people.delete())


def digest_of_view(engine: sa.Engine) -> str:
    """A digest of the whole view, to prove a replay rebuilt it identically."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(people).order_by(people.c.person_id)).mappings().all()
    return hashlib.sha256(json.dumps([dict(r) for r in rows], sort_keys=True, default=str).encode()).hexdigest()
