"""supervision review 22: notice alerts at the town, one alert per cause

A violation notice's alert is raised at the town of the person's unit, never at a community (one
may hold a handful of people, and the alert would tell who has a notice): the alerts kept at a
community move to its town, open or cleared, so neither the task list nor a reopened alert names it.

A cause's alert is reopened when the cause comes back (a town's SLA share hovering at its target
keeps one alert for the month): an index finds it by rule, unit and object.

Revision ID: 0010_review22
Revises: 0003
Create Date: 2026-11-27 20:00:00
"""

from alembic import op

revision = "0010_review22"
down_revision = "0003"
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


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_cause")
    # Which community a notice's alert was raised at is not kept: those alerts stay at their towns.
