"""The tracking table of an idempotent consumer: one row per event it has applied (or dead-lettered),
written in the same transaction as the effect, so a redelivered event is recognised and skipped.
Every service that consumes declares it once in its adapters (``chassis.consumer`` writes it).
"""

from __future__ import annotations

import sqlalchemy as sa


def processed_events_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "processed_events",
        metadata,
        sa.Column("consumer", sa.String(100), primary_key=True),
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("partition", sa.Integer, nullable=False),
        sa.Column("offset", sa.BigInteger, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )
