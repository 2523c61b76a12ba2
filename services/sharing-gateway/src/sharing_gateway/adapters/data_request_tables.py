"""The tables of agencies' data requests and the grants they lead to (申请–答复, ``domain.data_requests``,
``domain.grants``), in the gateway's schema (``tables.metadata``); Alembic migration 0007 creates them."""

from __future__ import annotations

import sqlalchemy as sa

from chassis.db import BigIntId
from sharing_gateway.adapters.tables import TZ, metadata

#: Agencies' applications for catalogue items (《政务数据共享条例》's 申请–答复, ``domain.data_requests``).
data_requests = sa.Table(
    "data_requests",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("agency", sa.String(40), sa.ForeignKey("agencies.code"), nullable=False, index=True),
    sa.Column("idempotency_key", sa.String(100), nullable=True, comment="the agency's, so a retried POST is one"),
    sa.Column("body_digest", sa.String(64), nullable=False, comment="SHA-256 of the application as sent"),
    sa.Column("items", sa.JSON, nullable=False, comment="conditional items awaiting the answer: [{event, fields}]"),
    sa.Column("granted_at_once", sa.JSON, nullable=False, comment="unconditional items granted on application"),
    sa.Column("already_granted", sa.JSON, nullable=False, comment="items the policy in force already sent"),
    sa.Column("purpose", sa.String(300), nullable=False),
    sa.Column("legal_basis", sa.String(300), nullable=False),
    sa.Column("region", sa.String(12), nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False, comment="the last day the grant asked for runs"),
    sa.Column("state", sa.String(12), nullable=False, comment="domain.data_requests"),
    sa.Column("reviewed", sa.Boolean, nullable=False),
    sa.Column("clock_used_s", sa.Float, nullable=False, comment="working seconds banked (chassis.sla_clock)"),
    sa.Column("clock_since", TZ, nullable=True),
    sa.Column("due_at", TZ, nullable=True, comment="when the deadline now running runs out"),
    sa.Column("question", sa.Text, nullable=True, comment="what the gateway admin asked the agency"),
    sa.Column("information", sa.Text, nullable=True, comment="the agency's answer"),
    sa.Column("decision", sa.JSON, nullable=True, comment="outcome, granted fields, region, end, reason"),
    sa.Column("admin_request_id", sa.String(36), nullable=True, comment="the approval awaiting a second admin"),
    sa.Column("review_escalated_at", TZ, nullable=True),
    sa.Column("answer_escalated_at", TZ, nullable=True),
    sa.Column("submitted_at", TZ, nullable=False),
    sa.Column("answered_at", TZ, nullable=True),
    sa.UniqueConstraint("agency", "idempotency_key", name="uq_data_request_idempotency"),
)

#: Data grants layered on agencies' policy files (``domain.grants``): in force from ``granted_revision``
#: until ``ended_revision`` (the expiry).
policy_grants = sa.Table(
    "policy_grants",
    metadata,
    sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("agency", sa.String(40), sa.ForeignKey("agencies.code"), nullable=False, index=True),
    sa.Column("request_id", sa.String(36), nullable=False),
    sa.Column("event_type", sa.String(200), nullable=False),
    sa.Column("fields", sa.JSON, nullable=False),
    sa.Column("region", sa.String(12), nullable=False),
    sa.Column("purpose", sa.String(300), nullable=False),
    sa.Column("ends_at", TZ, nullable=False),
    sa.Column("granted_revision", sa.Integer, nullable=False),
    sa.Column("granted_at", TZ, nullable=False),
    sa.Column("ended_revision", sa.Integer, nullable=True),
    sa.Column("ended_at", TZ, nullable=True),
)
