"""The transactional outbox: events are written in the same transaction as the state change.

Each service adds ``outbox_table(metadata)`` to its own schema (and migrations) and
calls ``Outbox.add`` inside the unit of work that changes state. The relay
(``chassis.relay``) publishes pending rows to Kafka afterwards, so Kafka being down
never fails a user's write and never loses an event.

Before staging, every payload must keep its contract and the sensitive-data rule
(``chassis.sensitive.check_event``): an event that would carry a sensitive key, a birth
date, an ID number (raw or masked) or phone number in any text, or a value naming a
religion or an ethnicity is refused with ``SensitiveDataRefused`` and the caller's transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis.contracts import EventContract, contract_for, validate_data
from chassis.db import BigIntId
from chassis.events import Envelope, utcnow
from chassis.sensitive import check_event
from chassis.tracing import current_traceparent


def outbox_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "outbox",
        metadata,
        sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(64), nullable=False, unique=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Index("ix_outbox_pending", "published_at", "id"),
    )


class Outbox:
    """Writes validated events into a service's outbox table through a session."""

    def __init__(self, table: sa.Table, source: str):
        self.table = table
        self.source = source

    def add(self, session: Session | sa.Connection, event_type: str, subject: str, data: Mapping[str, Any]) -> Envelope:
        """Validate ``data`` against the contract and stage the event in the caller's transaction."""
        envelope, row = self.row(event_type, subject, data)
        session.execute(self.table.insert(), row)
        return envelope

    def add_many(
        self, session: Session | sa.Connection, events: list[tuple[str, str, Mapping[str, Any]]]
    ) -> list[Envelope]:
        """Stage several (type, subject, data) events with one executemany, in order."""
        staged = [self.row(*event) for event in events]
        if staged:
            session.execute(self.table.insert(), [row for _, row in staged])
        return [envelope for envelope, _ in staged]

    def row(self, event_type: str, subject: str, data: Mapping[str, Any]) -> tuple[Envelope, dict[str, Any]]:
        contract = self.check(event_type, data)
        envelope = Envelope.new(
            type=event_type, source=self.source, subject=subject, data=dict(data), traceparent=current_traceparent()
        )
        return envelope, self.envelope_row(contract.topic, envelope)

    @staticmethod
    def check(event_type: str, data: Mapping[str, Any]) -> EventContract:
        """The contract of ``event_type``, once ``data`` has shown it keeps it and the sensitive-data rule."""
        contract = contract_for(event_type)
        check_event(event_type, data)
        validate_data(event_type, data)
        return contract

    @staticmethod
    def envelope_row(topic: str, envelope: Envelope) -> dict[str, Any]:
        return {
            "event_id": envelope.id,
            "topic": topic,
            "key": envelope.subject,
            "event_type": envelope.type,
            "payload": envelope.to_json(),
            "created_at": utcnow(),
            "attempts": 0,
            "published_at": None,
            "last_error": None,
        }
