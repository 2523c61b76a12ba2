"""admin requests: agency keys and policy activations need a second gateway admin

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False, comment="issue_key or activate_policy"),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column(
            "policy_version", sa.String(length=80), nullable=True, comment="for activate_policy: the version asked for"
        ),
        sa.Column("state", sa.String(length=12), nullable=False, comment="pending or approved"),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["agency"], ["agencies.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("admin_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admin_requests_agency"), ["agency"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("admin_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admin_requests_agency"))
    op.drop_table("admin_requests")
