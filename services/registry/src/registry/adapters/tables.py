"""The registry's database schema (SQLAlchemy Core). Alembic migrations create it."""

from __future__ import annotations

import sqlalchemy as sa

from chassis.db import BigIntId
from chassis.outbox import Outbox, outbox_table
from chassis.processed import processed_events_table

metadata = sa.MetaData()
outbox = outbox_table(metadata)
#: Stages the registry's events in its outbox, each checked against its contract (``chassis.outbox``).
EVENTS = Outbox(outbox, "/tongxin/registry")
processed_events = processed_events_table(metadata)
TZ = sa.DateTime(timezone=True)


def byte_ordered(length: int) -> sa.types.TypeEngine:
    """Byte-order text on PostgreSQL, so one index serves ORDER BY and prefix ranges."""
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


admin_units = sa.Table(
    "admin_units",
    metadata,
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("level", sa.String(10), nullable=False),
    sa.Column("parent_code", sa.String(12), sa.ForeignKey("admin_units.code"), nullable=True, index=True),
    sa.Column("retired_at", TZ, nullable=True),
    sa.Column("version", sa.Integer, nullable=False, default=1),
)

admin_unit_history = sa.Table(
    "admin_unit_history",
    metadata,
    sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(12), sa.ForeignKey("admin_units.code"), nullable=False, index=True),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("old_name", sa.String(100), nullable=True),
    sa.Column("new_name", sa.String(100), nullable=True),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("at", TZ, nullable=False),
)

people = sa.Table(
    "people",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", byte_ordered(60), nullable=False, comment="byte-ordered on PostgreSQL for prefix ranges"),
    sa.Column("name_pinyin", byte_ordered(300), nullable=False, comment="full pinyin, for sorting and search"),
    sa.Column("name_initials", byte_ordered(60), nullable=False, comment="pinyin initials, lower case"),
    sa.Column("name_pinyin_compact", byte_ordered(300), nullable=False, comment="full pinyin without spaces"),
    sa.Column("gender", sa.String(6), nullable=False),
    sa.Column("birth_date", sa.Date, nullable=False),
    sa.Column("id_number", sa.String(18), nullable=False),
    sa.Column("id_digest", sa.String(64), nullable=False),
    sa.Column("unit_code", sa.String(12), nullable=False),
    sa.Column("ethnicity", sa.String(40), nullable=True),
    sa.Column("political_affiliation", sa.String(60), nullable=True),
    sa.Column("religion", sa.String(40), nullable=True),
    sa.Column("education", sa.String(40), nullable=True),
    sa.Column("employer", sa.String(200), nullable=True),
    sa.Column("position", sa.String(100), nullable=True),
    sa.Column("phone", sa.String(40), nullable=True),
    sa.Column("address", sa.String(300), nullable=True),
    sa.Column("needs", sa.Text, nullable=True),
    sa.Column("notes", sa.Text, nullable=True),
    sa.Column("tags", sa.JSON, nullable=False),
    sa.Column("search_text", sa.Text, nullable=False, comment="lower-cased name, employer, position, tags"),
    sa.Column("search_text_all", sa.Text, nullable=False, comment="the same with sensitive values, for editors"),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("is_representative", sa.Boolean, nullable=False),
    sa.Column("representative_roles", sa.JSON, nullable=False),
    sa.Column("merged_into", sa.String(36), nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("event_version", sa.Integer, nullable=False, comment="counts emitted registry.person.v1 events"),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
    sa.Index("ix_people_unit_pinyin", "unit_code", "name_pinyin", "id"),
    sa.Index("ix_people_pinyin", "name_pinyin", "id"),
    sa.Index("ix_people_initials", "name_initials"),
    sa.Index("ix_people_pinyin_compact", "name_pinyin_compact"),
    sa.Index("ix_people_name", "name"),
    sa.Index("ix_people_birth_name", "birth_date", "name"),
    sa.Index("ix_people_phone", "phone"),
    # One active record per ID number; archived and merged records may repeat it.
    sa.Index(
        "uq_people_active_id_digest",
        "id_digest",
        unique=True,
        sqlite_where=sa.text("status = 'active'"),
        postgresql_where=sa.text("status = 'active'"),
    ),
    sa.Index("ix_people_id_digest", "id_digest"),
)

memberships = sa.Table(
    "category_memberships",
    metadata,
    sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.String(36), sa.ForeignKey("people.id"), nullable=False),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date, nullable=True),
    sa.Column("reason", sa.String(500), nullable=True),
    sa.Column("approved_by", sa.String(100), nullable=True),
    sa.Column("end_reason", sa.String(500), nullable=True),
    # person first: the search's per-person EXISTS must not scan a whole category.
    sa.Index("ix_memberships_person_category", "person_id", "category"),
)

contacts = sa.Table(
    "contact_records",
    metadata,
    sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.String(36), sa.ForeignKey("people.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("contact_date", sa.Date, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("needs_raised", sa.Text, nullable=True),
    sa.Column("follow_up", sa.Text, nullable=True),
    sa.Column("follow_up_due", sa.Date, nullable=True),
    sa.Column("staff", sa.String(100), nullable=False),
    sa.Column("created_at", TZ, nullable=False),
)

history = sa.Table(
    "person_history",
    metadata,
    sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.String(36), sa.ForeignKey("people.id"), nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("changes", sa.JSON, nullable=False, comment="[{field, from, to}], sensitive values masked"),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("at", TZ, nullable=False),
)

disclosures = sa.Table(
    "sensitive_disclosures",
    metadata,
    sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.String(36), nullable=False, index=True),
    sa.Column("fields", sa.JSON, nullable=False),
    sa.Column("purpose", sa.String(300), nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False, comment="api or export"),
    sa.Column("at", TZ, nullable=False),
)

exports = sa.Table(
    "export_records",
    metadata,
    sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("actor", sa.String(100), nullable=False, index=True),
    sa.Column("scope_unit", sa.String(12), nullable=False),
    sa.Column("purpose", sa.String(300), nullable=False),
    sa.Column("fields", sa.JSON, nullable=False, comment="columns exported with plain values"),
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.Column("filters", sa.JSON, nullable=False),
    sa.Column("at", TZ, nullable=False),
)

import_jobs = sa.Table(
    "import_jobs",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("filename", sa.String(300), nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("mode", sa.String(20), nullable=False, comment="dry_run, all_or_nothing, good_rows"),
    sa.Column("state", sa.String(20), nullable=False, comment="queued, running, succeeded, failed"),
    sa.Column("total_rows", sa.Integer, nullable=True),
    sa.Column("processed_rows", sa.Integer, nullable=False, default=0),
    sa.Column("created", sa.Integer, nullable=False, default=0),
    sa.Column("updated", sa.Integer, nullable=False, default=0),
    sa.Column("unchanged", sa.Integer, nullable=False, default=0),
    sa.Column("errors", sa.JSON, nullable=False),
    sa.Column("message", sa.Text, nullable=True),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("scope_unit", sa.String(12), nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("finished_at", TZ, nullable=True),
)

digest_keys = sa.Table(
    "digest_keys",
    metadata,
    sa.Column("key_id", sa.String(8), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False, comment="the key's digest of a fixed probe value"),
    sa.Column("first_used_at", TZ, nullable=False),
)

#: A lost qualification (资格撤销): the role in ``body`` may not be added again before ``until``.
ineligibilities = sa.Table(
    "ineligibilities",
    metadata,
    sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.String(36), sa.ForeignKey("people.id"), nullable=False),
    sa.Column("body", sa.String(20), nullable=False),
    sa.Column("until", sa.Date, nullable=False, comment="the first day the role may be added again"),
    sa.Column("decision", sa.String(40), nullable=False),
    sa.Column("decision_id", sa.String(36), nullable=True),
    sa.Column("meeting_id", sa.String(36), nullable=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("decided_at", TZ, nullable=False),
    sa.Index("ix_ineligibilities_person_body", "person_id", "body"),
)

#: The basis for adding a representative role (凡进必评): a passed evaluation or staff's vetting.
vettings = sa.Table(
    "vettings",
    metadata,
    sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.String(36), sa.ForeignKey("people.id"), nullable=False),
    sa.Column("body", sa.String(20), nullable=False),
    sa.Column("source", sa.String(20), nullable=False, comment="staff, evaluation or notice"),
    sa.Column("basis", sa.Text, nullable=False),
    sa.Column("reference", sa.String(100), nullable=True, comment="the decision or notice it rests on"),
    sa.Column("decided_by", sa.String(100), nullable=False),
    sa.Column("decided_at", TZ, nullable=False),
    sa.Column("spent_at", TZ, nullable=True, comment="when a role added on it used it up: one vetting, one entry"),
    sa.Index("ix_vettings_person_body", "person_id", "body"),
)

#: Membership notices the registry could not apply (``service_layer.membership_notices`` says
#: why): kept for staff to look at, never retried in a loop.
parked_notices = sa.Table(
    "parked_notices",
    metadata,
    sa.Column("agency", sa.String(40), primary_key=True, comment="notice ids are unique per agency only"),
    sa.Column("notice_id", sa.String(100), primary_key=True),
    sa.Column("event_type", sa.String(120), nullable=False),
    sa.Column("body", sa.String(20), nullable=False),
    sa.Column(
        "why",
        sa.String(40),
        nullable=False,
        comment="unknown_person, unknown_role, agency_not_body, ineligible or stale",
    ),
    sa.Column("received_at", TZ, nullable=False),
    sa.Column("parked_at", TZ, nullable=False),
    # Since 0005: the notice itself (to re-apply it) and staff's handling (``service_layer.parked_notices``).
    sa.Column("notice", sa.JSON, nullable=True, comment="the notice's data, kept to re-apply it"),
    sa.Column("state", sa.String(10), nullable=False, server_default="parked", comment="parked, applied or dismissed"),
    sa.Column("handled_by", sa.String(100), nullable=True),
    sa.Column("handled_at", TZ, nullable=True),
)

#: The membership notices applied to each seat, so a late notice older than one already applied
#: (an ended membership, then the confirmation from before it) cannot undo it.
seat_notices = sa.Table(
    "seat_notices",
    metadata,
    sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.String(36), sa.ForeignKey("people.id"), nullable=False),
    sa.Column("body", sa.String(20), nullable=False),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("ended", sa.Boolean, nullable=False, comment="false: membership_confirmed; true: membership_ended"),
    sa.Column("effective_on", sa.Date, nullable=False),
    sa.Column("agency", sa.String(40), nullable=False),
    sa.Column("notice_id", sa.String(100), nullable=False),
    sa.Column("applied_at", TZ, nullable=False),
    sa.Index("ix_seat_notices_person_seat", "person_id", "body", "level"),
)
