"""The supervision's database schema (SQLAlchemy Core); Alembic migrations create it.

Two kinds of table. The **view** (person versions, facts) is rebuilt from the topics
by a replay and digested (``service_layer.view.digest_of_view``). The **records** (closed months,
their contributions, recalculations, alerts) are the supervision's own acts: a replay leaves them
alone, so a closed month keeps its figures however the view is rebuilt, and an alert stays open
as long as the rebuilt view still shows its cause.
"""

from __future__ import annotations

import sqlalchemy as sa

from chassis.outbox import Outbox, outbox_table
from chassis.processed import processed_events_table

metadata = sa.MetaData()
outbox = outbox_table(metadata)
#: Stages the supervision's events (``supervision.v1``: alerts raised and cleared) in its outbox.
EVENTS = Outbox(outbox, "/tongxin/supervision")
processed_events = processed_events_table(metadata)
TZ = sa.DateTime(timezone=True)
AMOUNT = sa.Numeric(16, 2)

# -- the view -----------------------------------------------------------------------------
#: Every version of every person the topic brought (unit, status, ID digest, from which day), so a
#: month reads its people as they were at its end, not as they are today (review 21). No name,
#: category or role: nothing of the supervision reads them (no chassis people view, review 22).
person_versions = sa.Table(
    "person_versions",
    metadata,
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("unit_code", sa.String(12), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("id_digest", sa.String(64), nullable=True, comment="NULL: a past digest, dropped at archiving"),
    sa.Column("event_id", sa.String(64), nullable=False),
    sa.Column("event_type", sa.String(120), nullable=False),
    sa.Column("from_day", sa.String(10), nullable=False, comment="YYYY-MM-DD, China Standard Time"),
    sa.Column("at", sa.String(40), nullable=False, comment="the event's time, ISO 8601"),
)

facts = sa.Table(
    "facts",
    metadata,
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("event_type", sa.String(120), nullable=False, index=True),
    sa.Column("month", sa.String(7), nullable=False, index=True),
    sa.Column("unit_code", sa.String(12), nullable=True, index=True),
    sa.Column("subject", sa.String(160), nullable=False, index=True, comment="e.g. court/<notice id> (100)"),
    sa.Column("person_id", sa.String(36), nullable=True),
    sa.Column("id_digest", sa.String(80), nullable=True, comment="a violation notice's person, matched at computing"),
    sa.Column("measure", AMOUNT, nullable=True),
    sa.Column("detail", sa.String(40), nullable=True),
    sa.Column("at", sa.String(40), nullable=False, comment="the event's own time, ISO 8601"),
)

# -- the records --------------------------------------------------------------------------
month_closures = sa.Table(
    "month_closures",
    metadata,
    sa.Column("month", sa.String(7), primary_key=True),
    sa.Column("closed_at", TZ, nullable=False),
    sa.Column("closed_by", sa.String(100), nullable=False),
    sa.Column("reason", sa.String(500), nullable=False),
    sa.Column("scheme_version", sa.String(20), nullable=False),
    sa.Column("scheme_digest", sa.String(64), nullable=False),
    sa.Column("snapshot_digest", sa.String(64), nullable=False, comment="SHA-256 of the month's contributions"),
)

month_recalculations = sa.Table(
    "month_recalculations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("month", sa.String(7), sa.ForeignKey("month_closures.month"), nullable=False, index=True),
    sa.Column("at", TZ, nullable=False),
    sa.Column("by", sa.String(100), nullable=False),
    sa.Column("reason", sa.String(500), nullable=False),
    sa.Column("scheme_version", sa.String(20), nullable=False),
    sa.Column("scheme_digest", sa.String(64), nullable=False),
    #: The version the month was scored under before (NULL for records older than migration 0004).
    sa.Column("scheme_version_before", sa.String(20), nullable=True),
    sa.Column("digest_before", sa.String(64), nullable=False),
    sa.Column("digest_after", sa.String(64), nullable=False),
)

contributions = sa.Table(
    "contributions",
    metadata,
    sa.Column("month", sa.String(7), sa.ForeignKey("month_closures.month"), primary_key=True),
    sa.Column("indicator", sa.String(40), primary_key=True),
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(10), primary_key=True),
    sa.Column("unit_code", sa.String(12), nullable=False, index=True),
    sa.Column("event_type", sa.String(120), nullable=False),
    sa.Column("amount", AMOUNT, nullable=False),
    sa.Column("person_id", sa.String(36), nullable=True),
)

alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("rule", sa.String(40), nullable=False),
    sa.Column("unit_code", sa.String(12), nullable=False, index=True),
    sa.Column("subject", sa.String(160), nullable=False, comment="a month, person id, agency/notice id, suggestion id"),
    sa.Column("detail", sa.String(80), nullable=False),
    sa.Column("raised_at", TZ, nullable=False),
    sa.Column("cleared_at", TZ, nullable=True),
    # rule|unit|subject while the alert is open, NULL once cleared: at most one open alert per cause,
    # even if two evaluations race (NULLs do not collide on SQLite or PostgreSQL).
    sa.Column("open_key", sa.String(220), nullable=True, unique=True),
    # A cause's alert is found again to reopen it (one alert per cause).
    sa.Index("ix_alerts_cause", "rule", "unit_code", "subject"),
)

#: Who acknowledged an alert, when, with what note: every acknowledgement kept (the audit of the task list).
alert_acknowledgements = sa.Table(
    "alert_acknowledgements",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("alert_id", sa.String(36), sa.ForeignKey("alerts.id"), nullable=False, index=True),
    sa.Column("by_subject", sa.String(100), nullable=False, comment="the staff member's account id"),
    sa.Column("by_name", sa.String(100), nullable=False),
    sa.Column("by_unit", sa.String(12), nullable=False),
    sa.Column("at", TZ, nullable=False),
    sa.Column("note", sa.String(500), nullable=False),
)
