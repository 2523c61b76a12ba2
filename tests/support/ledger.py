"""A tiny service-shaped schema for testing the chassis against real databases and Kafka.

A "ledger" keeps one row per applied event in ``applied`` (no unique constraint, so a
double application would show as two rows) and the newest version seen per person.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis.events import Envelope
from chassis.outbox import Outbox, outbox_table
from chassis.processed import processed_events_table

metadata = sa.MetaData()
outbox = outbox_table(metadata)
processed = processed_events_table(metadata)
applied = sa.Table(
    "applied",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(64), nullable=False),
    sa.Column("person_id", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)
people = sa.Table(
    "people",
    metadata,
    sa.Column("person_id", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)

UPDATED = "cn.tongxin.registry.person.updated.v1"
SOURCE = "/tongxin/test-ledger"


def snapshot(person_id: str, version: int, name: str = "张三") -> dict:
    return {
        "person_id": person_id,
        "version": version,
        "name": name,
        "gender": "male",
        "birth_year": 1980,
        "unit_code": "370783001002",
        "id_digest": "ab" * 32,
        "status": "active",
        "categories": ["non_party_representative"],
        "representative_roles": [],
        "employer": None,
        "position": None,
        "changed_fields": ["name"],
    }


def write_change(
    engine: sa.Engine, person_id: str, version: int, name: str = "张三", topic: str | None = None
) -> Envelope:
    """One state change and its event, in one transaction, as a service would do it.

    ``topic`` routes the event to a test's own topic instead of the contract's.
    """
    with Session(engine) as session, session.begin():
        session.execute(sa.delete(people).where(people.c.person_id == person_id))
        session.execute(people.insert().values(person_id=person_id, version=version))
        envelope = Outbox(outbox, SOURCE).add(session, UPDATED, person_id, snapshot(person_id, version, name))
        if topic:
            session.execute(outbox.update().where(outbox.c.event_id == envelope.id).values(topic=topic))
        return envelope


def apply_update(session: Session, envelope: Envelope) -> None:
    """The consumer's effect; a person named POISON always fails (to test the DLQ)."""
    if envelope.data["name"] == "POISON":
        raise RuntimeError("this person cannot be applied")
    session.execute(
        applied.insert().values(
            event_id=envelope.id, person_id=envelope.data["person_id"], version=envelope.data["version"]
        )
    )


def reset_view(session: Session) -> None:
    session.execute(applied.delete())


def applied_rows(engine: sa.Engine) -> list[tuple[str, str, int]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                sa.select(applied.c.event_id, applied.c.person_id, applied.c.version).order_by(applied.c.seq)
            )
        ]
