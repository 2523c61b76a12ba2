"""stability reports (涉稳信息反馈): reports, their timeline, unmatched notices, exports

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

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "stability_reports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("unit_code", sa.String(length=12), nullable=False, comment="where it happens"),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("occurred_at", TZ, nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False, comment="sensitive: never in an event or a log"),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "police_summary", sa.String(length=200), nullable=True, comment="what public security receives (severe)"
        ),
        sa.Column("person_ids", sa.JSON(), nullable=False, comment="registry person ids: references only"),
        sa.Column("others_count", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("reported_by", sa.String(length=100), nullable=False),
        sa.Column("reported_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("closed_at", TZ, nullable=True),
        sa.Column("shared_at", TZ, nullable=True, comment="when it was staged for public security's feed"),
        sa.Column("police_reference", sa.String(length=100), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stability_reports", schema=None) as batch_op:
        for column in ("unit_code", "occurred_at", "severity", "state", "reported_at"):
            batch_op.create_index(batch_op.f(f"ix_stability_reports_{column}"), [column], unique=False)
    op.create_table(
        "stability_timeline",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_id", sa.String(length=36), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False, comment="a staff subject id, or agency:<code>"),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_state", sa.String(length=10), nullable=True),
        sa.Column("to_state", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("notice_id", sa.String(length=100), nullable=True, comment="agency:notice id; applied once"),
        sa.ForeignKeyConstraint(["report_id"], ["stability_reports.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("notice_id"),
    )
    with op.batch_alter_table("stability_timeline", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stability_timeline_report_id"), ["report_id"], unique=False)
    op.create_table(
        "unmatched_stability_notices",
        sa.Column("notice_key", sa.String(length=100), nullable=False, comment="agency:notice id"),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("report_id", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False, comment="unknown_report or not_shared"),
        sa.Column("received_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("notice_key"),
    )
    op.create_table(
        "stability_exports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("actor_unit", sa.String(length=12), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("stability_exports")
    op.drop_table("unmatched_stability_notices")
    with op.batch_alter_table("stability_timeline", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stability_timeline_report_id"))
    op.drop_table("stability_timeline")
    with op.batch_alter_table("stability_reports", schema=None) as batch_op:
        for column in ("unit_code", "occurred_at", "severity", "state", "reported_at"):
            batch_op.drop_index(batch_op.f(f"ix_stability_reports_{column}"))
    op.drop_table("stability_reports")
