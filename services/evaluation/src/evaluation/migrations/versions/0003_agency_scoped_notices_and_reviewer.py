"""agency-scoped notice identity, the round's reviewer

A notice id is the agency's own: two agencies may use the same one, so a violation is
identified by (agency, notice id), not by the notice id alone. A round records who
reviewed it, so a second person publishes it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 10:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Names the unnamed unique constraint of 0001 on SQLite (PostgreSQL named it violations_notice_id_key).
_SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _old_unique() -> str:
    return "violations_notice_id_key" if op.get_bind().dialect.name == "postgresql" else "uq_violations_notice_id"


def upgrade() -> None:
    with op.batch_alter_table("violations", naming_convention=_SQLITE_NAMES) as batch_op:
        batch_op.drop_constraint(_old_unique(), type_="unique")
        batch_op.create_unique_constraint("uq_violations_agency_notice", ["agency", "notice_id"])
    with op.batch_alter_table("rounds") as batch_op:
        batch_op.add_column(sa.Column("reviewed_by", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch_op:
        batch_op.drop_column("reviewed_by")
    with op.batch_alter_table("violations", naming_convention=_SQLITE_NAMES) as batch_op:
        batch_op.drop_constraint("uq_violations_agency_notice", type_="unique")
        batch_op.create_unique_constraint(_old_unique(), ["notice_id"])
