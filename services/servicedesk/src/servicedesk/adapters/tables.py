"""The service desk's database schema (SQLAlchemy Core); Alembic migrations create it."""

from __future__ import annotations

import sqlalchemy as sa

from chassis.outbox import Outbox, outbox_table
from chassis.people_view import people_view_table
from chassis.processed import processed_events_table
from chassis.ratelimit import rate_limit_table

metadata = sa.MetaData()
outbox = outbox_table(metadata)
#: Stages the service desk's events in its outbox, each checked against its contract (``chassis.outbox``).
EVENTS = Outbox(outbox, "/tongxin/servicedesk")
processed_events = processed_events_table(metadata)
rate_windows = rate_limit_table(metadata)
#: The local read model of registry.person.v1 (rebuildable by replay).
people = people_view_table(metadata)
TZ = sa.DateTime(timezone=True)
YUAN = sa.Numeric(16, 2)
HOURS = sa.Numeric(8, 1)

categories = sa.Table(
    "request_categories",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("name_zh", sa.String(60), nullable=False),
    sa.Column("name_en", sa.String(80), nullable=False),
    sa.Column("sla", sa.JSON, nullable=False, comment="{priority: {response_days, resolution_days}} in working days"),
    sa.Column("active", sa.Boolean, nullable=False),
)

requests = sa.Table(
    "service_requests",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("person_id", sa.String(36), nullable=False, index=True),
    sa.Column("unit_code", sa.String(12), nullable=False, index=True, comment="the member's unit (follows moves)"),
    sa.Column("handling_unit", sa.String(12), nullable=False, index=True),
    sa.Column("handler", sa.String(100), nullable=True),
    sa.Column("category", sa.String(40), sa.ForeignKey("request_categories.code"), nullable=False),
    sa.Column("priority", sa.String(10), nullable=False),
    sa.Column("urgent", sa.Boolean, nullable=False, comment="an urgent safety or stability matter"),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("state", sa.String(12), nullable=False, index=True),
    sa.Column("created_at", TZ, nullable=False, index=True),
    sa.Column("updated_at", TZ, nullable=False),
    sa.Column("accepted_at", TZ, nullable=True),
    sa.Column("resolved_at", TZ, nullable=True, index=True),
    sa.Column("closed_at", TZ, nullable=True),
    sa.Column("satisfaction", sa.SmallInteger, nullable=True),
    sa.Column("response_due_at", TZ, nullable=True),
    sa.Column("resolution_due_at", TZ, nullable=True, comment="NULL while the clock is paused or stopped"),
    sa.Column("clock_used_s", sa.Float, nullable=False, comment="working seconds used in finished running spells"),
    sa.Column("clock_since", TZ, nullable=True, comment="start of the current running spell; NULL when paused"),
    sa.Column("response_breached_at", TZ, nullable=True),
    sa.Column("resolution_breached_at", TZ, nullable=True),
    sa.Column("escalations", sa.SmallInteger, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_requests_sweep", "state", "response_due_at", "resolution_due_at"),
)

request_history = sa.Table(
    "request_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.String(36), sa.ForeignKey("service_requests.id"), nullable=False, index=True),
    sa.Column("at", TZ, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("from_state", sa.String(12), nullable=True),
    sa.Column("to_state", sa.String(12), nullable=False),
    sa.Column("handling_unit", sa.String(12), nullable=False),
    sa.Column("note", sa.Text, nullable=True),
)

suggestions = sa.Table(
    "suggestions",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("receipt_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("person_id", sa.String(36), nullable=True, comment="NULL for anonymous senders"),
    sa.Column("unit_code", sa.String(12), nullable=False, index=True),
    sa.Column("topic", sa.String(200), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("state", sa.String(12), nullable=False, comment="received, forwarded, answered"),
    sa.Column("department", sa.String(100), nullable=True),
    sa.Column("answer", sa.Text, nullable=True),
    sa.Column("adopted", sa.Boolean, nullable=True),
    sa.Column("received_at", TZ, nullable=False),
    sa.Column("answered_at", TZ, nullable=True),
    sa.Column("updated_by", sa.String(100), nullable=True),
)

branches = sa.Table(
    "corps_branches",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("specialty", sa.String(100), nullable=False),
    sa.Column("unit_code", sa.String(12), nullable=False),
)

volunteers = sa.Table(
    "volunteers",
    metadata,
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("branch_code", sa.String(40), sa.ForeignKey("corps_branches.code"), nullable=False, index=True),
    sa.Column("expertise", sa.String(200), nullable=True),
    sa.Column("joined_on", sa.Date, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
)

activities = sa.Table(
    "activities",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("branch_code", sa.String(40), sa.ForeignKey("corps_branches.code"), nullable=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("held_on", sa.Date, nullable=False, index=True),
    sa.Column("unit_code", sa.String(12), nullable=False, index=True, comment="where it was held"),
    sa.Column("people_served", sa.Integer, nullable=False),
    sa.Column("total_hours", HOURS, nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    sa.Column("recorded_at", TZ, nullable=False),
)

activity_volunteers = sa.Table(
    "activity_volunteers",
    metadata,
    sa.Column("activity_id", sa.String(36), sa.ForeignKey("activities.id"), primary_key=True),
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("hours", HOURS, nullable=False),
)

projects = sa.Table(
    "charity_projects",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("programme", sa.String(20), nullable=False, comment="guangcai (光彩事业) or gratitude (感恩行动)"),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("unit_code", sa.String(12), nullable=False, index=True),
    sa.Column("started_on", sa.Date, nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("state", sa.String(12), nullable=False, server_default="ongoing", comment="ongoing or completed"),
    sa.Column("completed_on", sa.Date, nullable=True),
    sa.Column("completed_by", sa.String(100), nullable=True),
)

donations = sa.Table(
    "donations",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("project_id", sa.String(36), sa.ForeignKey("charity_projects.id"), nullable=False, index=True),
    sa.Column("donor_person_id", sa.String(36), nullable=False, index=True),
    sa.Column("kind", sa.String(10), nullable=False, comment="money or in_kind"),
    sa.Column("value_yuan", YUAN, nullable=False, comment="the money given, or the assessed value of the goods"),
    sa.Column("goods", sa.String(300), nullable=True, comment="what was given in kind"),
    sa.Column("donated_on", sa.Date, nullable=False, index=True),
    sa.Column("recorded_by", sa.String(100), nullable=False),
)

beneficiaries = sa.Table(
    "beneficiaries",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("project_id", sa.String(36), sa.ForeignKey("charity_projects.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(30), nullable=False, comment="see charity.BENEFICIARY_KINDS"),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("recorded_on", sa.Date, nullable=False),
    sa.Column("note", sa.String(300), nullable=True),
)
