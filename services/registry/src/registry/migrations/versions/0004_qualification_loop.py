"""qualification loop: lost qualifications, vetting records, parked and applied membership notices

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 21:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ineligibilities",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("body", sa.String(length=20), nullable=False),
        sa.Column("until", sa.Date(), nullable=False, comment="the first day the role may be added again"),
        sa.Column("decision", sa.String(length=40), nullable=False),
        sa.Column("decision_id", sa.String(length=36), nullable=True),
        sa.Column("meeting_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ineligibilities_person_body", "ineligibilities", ["person_id", "body"])
    op.create_table(
        "vettings",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("body", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False, comment="staff, evaluation or notice"),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True, comment="the decision or notice it rests on"),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_at", _TZ, nullable=False),
        sa.Column("spent_at", _TZ, nullable=True, comment="when a role added on it used it up: one vetting, one entry"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_vettings_person_body", "vettings", ["person_id", "body"])
    op.create_table(
        "parked_notices",
        sa.Column("agency", sa.String(length=40), nullable=False, comment="notice ids are unique per agency only"),
        sa.Column("notice_id", sa.String(length=100), nullable=False),
        sa.Column("event_type", sa.String(length=120), nullable=False),
        sa.Column("body", sa.String(length=20), nullable=False),
        sa.Column(
            "why",
            sa.String(length=40),
            nullable=False,
            comment="unknown_person, unknown_role, agency_not_body, ineligible or stale",
        ),
        sa.Column("received_at", _TZ, nullable=False),
        sa.Column("parked_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("agency", "notice_id"),
    )
    op.create_table(
        "seat_notices",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("body", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("ended", sa.Boolean(), nullable=False, comment="false: membership_confirmed; true: membership_ended"),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("notice_id", sa.String(length=100), nullable=False),
        sa.Column("applied_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_seat_notices_person_seat", "seat_notices", ["person_id", "body", "level"])


def downgrade() -> None:
    op.drop_index("ix_seat_notices_person_seat", table_name="seat_notices")
    op.drop_table("seat_notices")
    op.drop_table("parked_notices")
    op.drop_index("ix_vettings_person_body", table_name="vettings")
    op.drop_table("vettings")
    op.drop_index("ix_ineligibilities_person_body", table_name="ineligibilities")
    op.drop_table("ineligibilities")
