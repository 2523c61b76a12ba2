"""export records: every spreadsheet export recorded as a disclosure

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("scope_unit", sa.String(length=12), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False, comment="columns exported with plain values"),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("export_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_export_records_actor"), ["actor"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("export_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_records_actor"))
    op.drop_table("export_records")
