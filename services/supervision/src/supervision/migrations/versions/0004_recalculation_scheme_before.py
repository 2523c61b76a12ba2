"""a recalculation records the scheme version the month was scored under before it

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 20:00:00

A recalculation keeps the month's own scheme version unless the operator names another; the
record says both, so a change of version is visible. Rows written before this revision were made
under the version the service was configured with, which nothing kept: they stay NULL (unknown).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("month_recalculations") as batch:
        batch.add_column(
            sa.Column(
                "scheme_version_before",
                sa.String(length=20),
                nullable=True,
                comment="the version the month was scored under before; NULL for records before revision 0004",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("month_recalculations") as batch:
        batch.drop_column("scheme_version_before")
