"""person disclosures: a person's disclosure record by person id (each delivery about the person,
each reveal or export of their sensitive data) and the audit of who looked a record up

Deliveries recorded before this revision are indexed by ``gateway-admin migrate``
(``disclosure_record.backfill``), from the ledger and the feed entries it records.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 17:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "person_disclosures",
        sa.Column("id", BigIntId, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False, comment="disclosure (to an agency), reveal or export"),
        sa.Column("at", TZ, nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=True, comment="disclosure: the agency that received it"),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False, comment="names of the fields sent or processed"),
        sa.Column("sensitive", sa.Boolean(), nullable=False, comment="a field sensitive (or able to hold such values)"),
        sa.Column("purpose", sa.String(length=300), nullable=True),
        sa.Column("field_purposes", sa.JSON(), nullable=True, comment="disclosure: the purposes named per field"),
        sa.Column("legal_basis", sa.String(length=300), nullable=True),
        sa.Column("policy_version", sa.String(length=80), nullable=True),
        sa.Column("ledger_position", sa.BigInteger(), nullable=True),
        sa.Column("sequence", sa.BigInteger(), nullable=True, comment="disclosure: the entry's feed sequence"),
        sa.Column("actor", sa.String(length=100), nullable=True, comment="reveal, export: the staff user's subject id"),
        sa.Column("actor_unit", sa.String(length=12), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "event_id", "agency", name="uq_person_disclosure_once"),
    )
    op.create_index("ix_person_disclosures_person_at", "person_disclosures", ["person_id", "at", "id"])
    op.create_index("ix_person_disclosures_kind_at", "person_disclosures", ["kind", "at"])
    op.create_table(
        "disclosure_lookups",
        sa.Column("id", BigIntId, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("looked_up_by", sa.String(length=100), nullable=False, comment="the staff user's subject id"),
        sa.Column("unit", sa.String(length=12), nullable=False, comment="the staff user's unit"),
        sa.Column("what", sa.String(length=20), nullable=False, comment="record, report or id_number"),
        sa.Column("at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_disclosure_lookups_person_id", "disclosure_lookups", ["person_id"])
    op.create_index("ix_disclosure_lookups_at", "disclosure_lookups", ["at"])


def downgrade() -> None:
    op.drop_table("disclosure_lookups")
    op.drop_table("person_disclosures")
