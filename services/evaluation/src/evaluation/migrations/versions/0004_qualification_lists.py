"""the qualification loop's lists and figures: a decision's unit and the end of a lost qualification

A decision keeps the unit its person belonged to when it was taken (the lists and the annual
figures count it there, as its event says), backfilled from the people view for earlier ones;
a revocation may name the day the person may be recommended again. Meetings are listed by year.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_decisions") as batch_op:
        batch_op.add_column(
            sa.Column("unit_code", sa.String(length=12), nullable=True, comment="the person's unit when decided")
        )
        batch_op.add_column(
            sa.Column("ineligible_until", sa.Date(), nullable=True, comment="a revocation: eligible again on this day")
        )
        batch_op.create_index("ix_meeting_decisions_unit_code", ["unit_code"], unique=False)
    op.execute(
        "UPDATE meeting_decisions SET unit_code = "
        "(SELECT people_view.unit_code FROM people_view WHERE people_view.person_id = meeting_decisions.person_id)"
    )
    with op.batch_alter_table("joint_meetings") as batch_op:
        batch_op.create_index("ix_joint_meetings_held_on", ["held_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("joint_meetings") as batch_op:
        batch_op.drop_index("ix_joint_meetings_held_on")
    with op.batch_alter_table("meeting_decisions") as batch_op:
        batch_op.drop_index("ix_meeting_decisions_unit_code")
        batch_op.drop_column("ineligible_until")
        batch_op.drop_column("unit_code")
