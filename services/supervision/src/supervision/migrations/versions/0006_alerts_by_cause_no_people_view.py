"""alerts by cause: notice alerts at the town, one alert per cause, no people view

A violation notice's alert is raised at the town of the person's unit, never at a community (one
may hold a handful of people, and the alert would tell who has a notice): the alerts kept at a
community move to its town, open or cleared, so neither the task list nor a reopened alert names it.

A cause's alert is reopened when the cause comes back (a town's SLA share hovering at its target
keeps one alert for the month): an index finds it by rule, unit and object.

The people view (name, categories, roles of every person) goes: nothing of the supervision read
it but the replay's digest; the person versions (unit, status, ID digest, day) are the view.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: A community's code ends in three digits other than 000; its town is its first nine and 000.
TOWN_OF = "substr(unit_code, 1, 9) || '000'"


def upgrade() -> None:
    op.execute(
        f"UPDATE alerts SET unit_code = {TOWN_OF},"
        f" open_key = CASE WHEN open_key IS NULL THEN NULL ELSE rule || '|' || {TOWN_OF} || '|' || subject END"
        " WHERE rule = 'notice_unhandled' AND substr(unit_code, 10, 3) <> '000'"
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_cause", ["rule", "unit_code", "subject"], unique=False)
    with op.batch_alter_table("people_view", schema=None) as batch_op:
        batch_op.drop_index("ix_people_view_unit_code")
        batch_op.drop_index("ix_people_view_id_digest")
    op.drop_table("people_view")


def downgrade() -> None:
    # The people view comes back empty: a replay (``supervision-worker replay``) fills it.
    op.create_table(
        "people_view",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("unit_code", sa.String(length=12), nullable=False),
        sa.Column("id_digest", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("representative_roles", sa.JSON(), nullable=False),
        sa.Column("is_representative", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("person_id"),
    )
    with op.batch_alter_table("people_view", schema=None) as batch_op:
        batch_op.create_index("ix_people_view_id_digest", ["id_digest"], unique=False)
        batch_op.create_index("ix_people_view_unit_code", ["unit_code"], unique=False)
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_cause")
    # Which community a notice's alert was raised at is not kept: those alerts stay at their towns.
