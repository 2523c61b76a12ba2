"""the staff audit log keeps the account's Keycloak id (who disabled an account is looked up by it)

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_audit") as batch:
        batch.add_column(sa.Column("target_id", sa.String(64), nullable=False, server_default=""))
        batch.create_index("ix_staff_audit_target_id", ["target_id"])


def downgrade() -> None:
    with op.batch_alter_table("staff_audit") as batch:
        batch.drop_index("ix_staff_audit_target_id")
        batch.drop_column("target_id")
