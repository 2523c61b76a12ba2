"""The sharing gateway's database schema (SQLAlchemy Core); Alembic migrations create it."""

from __future__ import annotations

import sqlalchemy as sa

from chassis.db import BigIntId
from chassis.outbox import Outbox, outbox_table
from chassis.people_view import people_view_table
from chassis.processed import processed_events_table
from chassis.ratelimit import rate_limit_table

metadata = sa.MetaData()
outbox = outbox_table(metadata)
#: Stages the gateway's events in its outbox: inbound notices and checkpoints checked against their
#: contracts; signed feed entries through ``UnitOfWork.emit_signed``.
EVENTS = Outbox(outbox, "/tongxin/sharing-gateway")
processed_events = processed_events_table(metadata)
rate_windows = rate_limit_table(metadata)
#: The local read model of registry.person.v1: audiences (who is whose deputy) and notice matching.
people = people_view_table(metadata)
TZ = sa.DateTime(timezone=True)

agencies = sa.Table(
    "agencies",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("policy_version", sa.String(80), nullable=False, comment="the policy in force, e.g. cppcc@v3#ab12..."),
    sa.Column("last_seq", sa.BigInteger, nullable=False, comment="the feed's head: its last sequence number"),
    sa.Column("acked_seq", sa.BigInteger, nullable=False, comment="the highest sequence the agency pulled after"),
    sa.Column("paused", sa.Boolean, nullable=False),
    sa.Column("paused_reason", sa.String(300), nullable=True),
    sa.Column("last_pull_at", TZ, nullable=True),
    sa.Column("grant_revision", sa.Integer, nullable=False, server_default="0", comment="domain.grants"),
)

agency_keys = sa.Table(
    "agency_keys",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True, comment="the public part of the key"),
    sa.Column("agency", sa.String(40), sa.ForeignKey("agencies.code"), nullable=False, index=True),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("expires_at", TZ, nullable=True, comment="set when a newer key replaces it (the overlap)"),
    sa.Column("created_by", sa.String(100), nullable=False),
)

feed_entries = sa.Table(
    "feed_entries",
    metadata,
    sa.Column("agency", sa.String(40), sa.ForeignKey("agencies.code"), primary_key=True),
    sa.Column("seq", sa.BigInteger, primary_key=True),
    sa.Column("event_id", sa.String(64), nullable=False),
    sa.Column("event_type", sa.String(200), nullable=False),
    sa.Column("entry", sa.JSON, nullable=False, comment="the signed envelope exactly as delivered"),
    sa.Column("created_at", TZ, nullable=False),
    sa.UniqueConstraint("agency", "event_id", name="uq_feed_once_per_event"),
)

held_events = sa.Table(
    "held_events",
    metadata,
    sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("agency", sa.String(40), sa.ForeignKey("agencies.code"), nullable=False, index=True),
    sa.Column("envelope", sa.JSON, nullable=False, comment="the source event, filtered when the feed resumes"),
    sa.Column("roles_before", sa.JSON, nullable=True),
    sa.Column("held_at", TZ, nullable=False),
    sa.Index("ix_held_agency", "agency", "id"),
)

ledger = sa.Table(
    "disclosure_ledger",
    metadata,
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("agency", sa.String(40), nullable=False, index=True),
    sa.Column("event_id", sa.String(64), nullable=False),
    sa.Column("sequence", sa.BigInteger, nullable=False),
    sa.Column("event_type", sa.String(200), nullable=False),
    sa.Column("fields", sa.JSON, nullable=False, comment="the data fields disclosed"),
    sa.Column("policy_version", sa.String(80), nullable=False),
    sa.Column("payload_digest", sa.String(64), nullable=False, comment="SHA-256 of the exact signed entry"),
    sa.Column("at", sa.String(40), nullable=False, comment="ISO 8601 UTC, as hashed"),
    sa.Column("requested_by", sa.String(100), nullable=True, comment="administration: the asking admin's subject id"),
    sa.Column("approved_by", sa.String(100), nullable=True, comment="administration: the approving admin's subject id"),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

ledger_head = sa.Table(
    "ledger_head",
    metadata,
    sa.Column("id", sa.SmallInteger, primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

notices = sa.Table(
    "inbound_notices",
    metadata,
    sa.Column("agency", sa.String(40), primary_key=True),
    sa.Column("notice_id", sa.String(100), primary_key=True),
    sa.Column("notice_type", sa.String(40), nullable=False),
    sa.Column("id_digest", sa.String(64), nullable=True, comment="never the raw ID number"),
    sa.Column("person_id", sa.String(36), nullable=True),
    sa.Column("received_at", TZ, nullable=False),
    sa.Column("receipt", sa.JSON, nullable=False, comment="the signed receipt, returned again on a retry"),
    sa.Column("content_digest", sa.String(64), nullable=True, comment="SHA-256 of the exact signed notice"),
    sa.Column(
        "parked",
        sa.JSON(none_as_null=True),
        nullable=True,
        comment="the inbound event, held until the person is known in the agency's region",
    ),
)

#: The Ed25519 public keys an agency signs its notices with (registered by two gateway admins).
agency_notice_keys = sa.Table(
    "agency_notice_keys",
    metadata,
    sa.Column("kid", sa.String(40), primary_key=True, comment="derived from the key: ed25519-<sha256 prefix>"),
    sa.Column("agency", sa.String(40), sa.ForeignKey("agencies.code"), nullable=False, index=True),
    sa.Column("public_key", sa.String(64), nullable=False, comment="base64url of the raw 32-byte key"),
    sa.Column("registered_at", TZ, nullable=False),
    sa.Column("registered_by", sa.String(200), nullable=False),
    sa.Column("retired_at", TZ, nullable=True, comment="from then on the key signs nothing the gateway accepts"),
)

#: Every key the gateway has signed feed entries and checkpoints with, and when it was in use.
feed_signing_keys = sa.Table(
    "feed_signing_keys",
    metadata,
    sa.Column("kid", sa.String(40), primary_key=True),
    sa.Column("public_key", sa.String(64), nullable=False, comment="base64url of the raw 32-byte key"),
    sa.Column("not_before", TZ, nullable=False),
    sa.Column("not_after", TZ, nullable=True, comment="set when a newer key replaces it"),
)

#: Signed checkpoints of the ledger (position, head hash, time) as delivered to every agency.
ledger_checkpoints = sa.Table(
    "ledger_checkpoints",
    metadata,
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("checkpoint", sa.JSON, nullable=False, comment="the signed checkpoint exactly as delivered"),
    sa.Column("at", TZ, nullable=False),
    sa.Column("through", sa.BigInteger, nullable=False, comment="the ledger's position after its own deliveries"),
)

#: Gateway administration that needs two people: one gateway admin asks, a different one approves.
admin_requests = sa.Table(
    "admin_requests",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column(
        "action",
        sa.String(20),
        nullable=False,
        comment="issue_key, revoke_key, activate_policy, register_notice_key or retire_notice_key",
    ),
    sa.Column("agency", sa.String(40), sa.ForeignKey("agencies.code"), nullable=False, index=True),
    sa.Column("policy_version", sa.String(80), nullable=True, comment="for activate_policy: the version asked for"),
    sa.Column("public_key", sa.String(64), nullable=True, comment="for register_notice_key: the key (base64url)"),
    sa.Column("key_id", sa.String(16), nullable=True, comment="for revoke_key: the API key's public id"),
    sa.Column("data_request_id", sa.String(36), nullable=True, comment="for grant_data: the agency's data request"),
    sa.Column("state", sa.String(12), nullable=False, comment="pending, approved or withdrawn"),
    sa.Column("requested_by", sa.String(100), nullable=False),
    sa.Column("requested_at", TZ, nullable=False),
    sa.Column("approved_by", sa.String(100), nullable=True),
    sa.Column("approved_at", TZ, nullable=True),
)

#: A person's disclosure record, by person: each delivery about the person into an agency's feed
#: (written in the same transaction as its ledger record; the person is the one the gateway knew when
#: it admitted the event, even when the agency received no id), and each reveal or export of the
#: person's sensitive data inside the department (from ``registry.processing.v1``). Only names of
#: fields, never values.
person_disclosures = sa.Table(
    "person_disclosures",
    metadata,
    sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.String(36), nullable=False),
    sa.Column("kind", sa.String(12), nullable=False, comment="disclosure (to an agency), reveal or export"),
    sa.Column("at", TZ, nullable=False),
    sa.Column("agency", sa.String(40), nullable=True, comment="disclosure: the agency that received it"),
    sa.Column("event_type", sa.String(200), nullable=False),
    sa.Column("event_id", sa.String(64), nullable=False),
    sa.Column("fields", sa.JSON, nullable=False, comment="names of the fields sent or processed"),
    sa.Column("sensitive", sa.Boolean, nullable=False, comment="a field sensitive (or able to hold such values)"),
    sa.Column("purpose", sa.String(300), nullable=True),
    sa.Column("field_purposes", sa.JSON, nullable=True, comment="disclosure: the purposes named per field"),
    sa.Column("legal_basis", sa.String(300), nullable=True),
    sa.Column("policy_version", sa.String(80), nullable=True),
    sa.Column("ledger_position", sa.BigInteger, nullable=True),
    sa.Column("sequence", sa.BigInteger, nullable=True, comment="disclosure: the entry's feed sequence"),
    sa.Column("actor", sa.String(100), nullable=True, comment="reveal, export: the staff user's subject id"),
    sa.Column("actor_unit", sa.String(12), nullable=True),
    sa.Index("ix_person_disclosures_person_at", "person_id", "at", "id"),
    sa.Index("ix_person_disclosures_kind_at", "kind", "at"),
    sa.UniqueConstraint("person_id", "event_id", "agency", name="uq_person_disclosure_once"),
)

#: Who looked up whose disclosure record, when (itself processing of personal data).
disclosure_lookups = sa.Table(
    "disclosure_lookups",
    metadata,
    sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.String(36), nullable=False, index=True),
    sa.Column("looked_up_by", sa.String(100), nullable=False, comment="the staff user's subject id"),
    sa.Column("unit", sa.String(12), nullable=False, comment="the staff user's unit"),
    sa.Column("what", sa.String(20), nullable=False, comment="record, report or id_number"),
    sa.Column("at", TZ, nullable=False, index=True),
)
