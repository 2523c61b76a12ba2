"""supervision alerts and their acknowledgements

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 18:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("unit_code", sa.String(length=12), nullable=False),
        sa.Column(
            "subject",
            sa.String(length=160),
            nullable=False,
            comment="a month, person id, agency/notice id, suggestion id",
        ),
        sa.Column("detail", sa.String(length=80), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("open_key", sa.String(length=220), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("open_key"),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_unit_code"), ["unit_code"], unique=False)
    op.create_table(
        "alert_acknowledgements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.String(length=36), nullable=False),
        sa.Column("by_subject", sa.String(length=100), nullable=False, comment="the staff member's account id"),
        sa.Column("by_name", sa.String(length=100), nullable=False),
        sa.Column("by_unit", sa.String(length=12), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alert_acknowledgements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_acknowledgements_alert_id"), ["alert_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alert_acknowledgements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_acknowledgements_alert_id"))
    op.drop_table("alert_acknowledgements")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_unit_code"))
    op.drop_table("alerts")
