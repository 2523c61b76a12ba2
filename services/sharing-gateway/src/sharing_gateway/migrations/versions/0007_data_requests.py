"""data requests: agencies apply for catalogue items; grants layered on policy files, by revision

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("agencies") as batch:
        batch.add_column(
            sa.Column("grant_revision", sa.Integer(), nullable=False, server_default="0", comment="domain.grants")
        )
    with op.batch_alter_table("admin_requests") as batch:
        batch.add_column(
            sa.Column(
                "data_request_id",
                sa.String(length=36),
                nullable=True,
                comment="for grant_data: the agency's data request",
            )
        )
    op.create_table(
        "data_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("agency", sa.String(length=40), sa.ForeignKey("agencies.code"), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("body_digest", sa.String(length=64), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("granted_at_once", sa.JSON(), nullable=False),
        sa.Column("already_granted", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("legal_basis", sa.String(length=300), nullable=False),
        sa.Column("region", sa.String(length=12), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("reviewed", sa.Boolean(), nullable=False),
        sa.Column("clock_used_s", sa.Float(), nullable=False),
        sa.Column("clock_since", TZ, nullable=True),
        sa.Column("due_at", TZ, nullable=True),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("information", sa.Text(), nullable=True),
        sa.Column("decision", sa.JSON(), nullable=True),
        sa.Column("admin_request_id", sa.String(length=36), nullable=True),
        sa.Column("review_escalated_at", TZ, nullable=True),
        sa.Column("answer_escalated_at", TZ, nullable=True),
        sa.Column("submitted_at", TZ, nullable=False),
        sa.Column("answered_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agency", "idempotency_key", name="uq_data_request_idempotency"),
    )
    op.create_index("ix_data_requests_agency", "data_requests", ["agency"])
    op.create_table(
        "policy_grants",
        sa.Column("id", BigIntId, autoincrement=True, nullable=False),
        sa.Column("agency", sa.String(length=40), sa.ForeignKey("agencies.code"), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("region", sa.String(length=12), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("ends_at", TZ, nullable=False),
        sa.Column("granted_revision", sa.Integer(), nullable=False),
        sa.Column("granted_at", TZ, nullable=False),
        sa.Column("ended_revision", sa.Integer(), nullable=True),
        sa.Column("ended_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_policy_grants_agency", "policy_grants", ["agency"])


def downgrade() -> None:
    op.drop_table("policy_grants")
    op.drop_table("data_requests")
    with op.batch_alter_table("admin_requests") as batch:
        batch.drop_column("data_request_id")
    with op.batch_alter_table("agencies") as batch:
        batch.drop_column("grant_revision")
