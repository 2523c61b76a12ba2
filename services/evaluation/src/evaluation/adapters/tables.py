"""The evaluation service's database schema (SQLAlchemy Core); Alembic migrations create it."""

from __future__ import annotations

import sqlalchemy as sa

from chassis.outbox import Outbox, outbox_table
from chassis.people_view import people_view_table
from chassis.processed import processed_events_table
from chassis.ratelimit import rate_limit_table

metadata = sa.MetaData()
outbox = outbox_table(metadata)
#: Stages evaluation's events in its outbox, each checked against its contract (``chassis.outbox``).
EVENTS = Outbox(outbox, "/tongxin/evaluation")
processed_events = processed_events_table(metadata)
rate_windows = rate_limit_table(metadata)
TZ = sa.DateTime(timezone=True)
SCORE = sa.Numeric(7, 2)

#: The local read model of registry.person.v1 (rebuildable by replay).
people = people_view_table(metadata)

#: Saved index templates; the built-in default (evaluation.domain.index.DEFAULT) is not stored.
templates = sa.Table(
    "index_templates",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("body", sa.JSON, nullable=False, comment="categories and items with weights, as saved"),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", TZ, nullable=False),
)

rounds = sa.Table(
    "rounds",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("scope_unit", sa.String(12), nullable=False, index=True),
    sa.Column("cohort_filter", sa.JSON, nullable=False, comment="{unit, categories, bodies}"),
    sa.Column("template", sa.JSON, nullable=False, comment="the index template version the round started with"),
    sa.Column("policy", sa.JSON, nullable=False, comment="source weights, missing-source rule, bottom share/count"),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("deadline", TZ, nullable=True),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("reviewed_by", sa.String(100), nullable=True),  # the reviewer; another one publishes
)

members = sa.Table(
    "round_members",
    metadata,
    sa.Column("round_id", sa.String(36), sa.ForeignKey("rounds.id"), primary_key=True),
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(60), nullable=False),
    sa.Column("unit_code", sa.String(12), nullable=False),
)

ratings = sa.Table(
    "ratings",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("round_id", sa.String(36), sa.ForeignKey("rounds.id"), nullable=False),
    sa.Column("person_id", sa.String(36), nullable=False),
    sa.Column("source", sa.String(10), nullable=False),
    sa.Column("rater", sa.String(100), nullable=False, comment="staff subject, or the token id for self/public"),
    sa.Column("scores", sa.JSON, nullable=False),
    sa.Column("phone_hash", sa.String(64), nullable=True),
    sa.Column("origin", sa.String(64), nullable=True, comment="coarse origin (client network) for abuse checks"),
    sa.Column("flagged", sa.Boolean, nullable=False),
    sa.Column("flag_reason", sa.String(200), nullable=True),
    sa.Column("submitted_at", TZ, nullable=False),
    sa.Index("ix_ratings_round_person", "round_id", "person_id"),
    sa.UniqueConstraint("round_id", "person_id", "source", "rater", name="uq_ratings_one_per_rater"),
    sa.Index(
        "uq_ratings_public_phone",
        "round_id",
        "person_id",
        "phone_hash",
        unique=True,
        sqlite_where=sa.text("phone_hash IS NOT NULL"),
        postgresql_where=sa.text("phone_hash IS NOT NULL"),
    ),
)

tokens = sa.Table(
    "rating_tokens",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("round_id", sa.String(36), sa.ForeignKey("rounds.id"), nullable=False, index=True),
    sa.Column("person_id", sa.String(36), nullable=False),
    sa.Column("source", sa.String(10), nullable=False),
    sa.Column("expires_at", TZ, nullable=False),
    sa.Column("used_at", TZ, nullable=True),
    sa.Column("issued_by", sa.String(100), nullable=False),
)

violations = sa.Table(
    "violations",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("person_id", sa.String(36), nullable=True, index=True),
    sa.Column("id_digest", sa.String(64), nullable=True, index=True),
    sa.Column("notice_id", sa.String(100), nullable=True),  # the agency's own id: unique per agency only
    sa.Column("agency", sa.String(40), nullable=True),
    sa.Column("case_reference", sa.String(200), nullable=False),
    sa.Column("violation_type", sa.String(100), nullable=False),
    sa.Column("occurred_on", sa.Date, nullable=False),
    sa.Column("authority", sa.String(200), nullable=False),
    sa.Column("evidence_ref", sa.String(300), nullable=True),
    sa.Column("status", sa.String(12), nullable=False, comment="in_force or rescinded"),
    sa.Column("rescinded_at", TZ, nullable=True),
    sa.Column("rescind_reason", sa.String(500), nullable=True),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.UniqueConstraint("agency", "notice_id", name="uq_violations_agency_notice"),
)

outcomes = sa.Table(
    "outcomes",
    metadata,
    sa.Column("round_id", sa.String(36), sa.ForeignKey("rounds.id"), primary_key=True),
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("unit_code", sa.String(12), nullable=False),
    sa.Column("official", SCORE, nullable=True),
    sa.Column("self_score", SCORE, nullable=True),
    sa.Column("public", SCORE, nullable=True),
    sa.Column("composite", SCORE, nullable=True),
    sa.Column("rank", sa.Integer, nullable=True),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("computed_at", TZ, nullable=False),
)

meetings = sa.Table(
    "joint_meetings",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("held_on", sa.Date, nullable=False, index=True),
    sa.Column("bodies", sa.JSON, nullable=False, comment="participating bodies, e.g. npc, cppcc"),
    sa.Column("round_id", sa.String(36), sa.ForeignKey("rounds.id"), nullable=True),
    sa.Column("scope_unit", sa.String(12), nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", TZ, nullable=False),
)

decisions = sa.Table(
    "meeting_decisions",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("meeting_id", sa.String(36), sa.ForeignKey("joint_meetings.id"), nullable=False, index=True),
    sa.Column("person_id", sa.String(36), nullable=False),
    sa.Column("decision", sa.String(40), nullable=False),
    sa.Column("body", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("computed_status", sa.String(12), nullable=True),
    sa.Column("override_justification", sa.Text, nullable=True),
    sa.Column("decided_by", sa.String(100), nullable=False),
    sa.Column("decided_at", TZ, nullable=False),
    sa.Column("unit_code", sa.String(12), nullable=True, index=True, comment="the person's unit when decided"),
    sa.Column("ineligible_until", sa.Date, nullable=True, comment="a revocation: eligible again on this day"),
    sa.UniqueConstraint("meeting_id", "person_id", "body", name="uq_decision_per_person"),
)
