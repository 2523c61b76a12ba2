"""revocation, actors and parked notices: who asked and who approved, in each ledger record's
hash; the API key a revocation request names; notices held until their person is in the region

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 11:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): the ledger's append-only triggers stay as they are.
    op.add_column("disclosure_ledger", sa.Column("requested_by", sa.String(length=100), nullable=True))
    op.add_column("disclosure_ledger", sa.Column("approved_by", sa.String(length=100), nullable=True))
    op.add_column("admin_requests", sa.Column("key_id", sa.String(length=16), nullable=True))
    op.add_column("inbound_notices", sa.Column("parked", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN too (SQLite 3.35+, PostgreSQL): no row is updated, so no trigger fires.
    op.drop_column("inbound_notices", "parked")
    op.drop_column("admin_requests", "key_id")
    op.drop_column("disclosure_ledger", "approved_by")
    op.drop_column("disclosure_ledger", "requested_by")
