"""supervision person versions replace record dates

Every version of a person is kept (unit, status, ID digest, from which day), so a month reads its
people as they were at its end. The versions the view holds today (one a person, its record date
as the day) are carried over; the ones before are not in the topic any more.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 18:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_versions",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("id_digest", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=120), nullable=False),
        sa.Column("from_day", sa.String(length=10), nullable=False, comment="YYYY-MM-DD, China Standard Time"),
        sa.Column("at", sa.String(length=40), nullable=False, comment="the event's time, ISO 8601"),
        sa.PrimaryKeyConstraint("person_id", "version"),
    )
    op.execute(
        "INSERT INTO person_versions (person_id, version, unit_code, status, id_digest, event_id, event_type,"
        " from_day, at) SELECT p.person_id, p.version, p.unit_code, p.status, p.id_digest, r.event_id,"
        " r.event_type, r.updated_on, r.updated_on || 'T00:00:00+08:00'"
        " FROM people_view p JOIN record_dates r ON r.person_id = p.person_id AND r.version = p.version"
    )
    op.drop_table("record_dates")


def downgrade() -> None:
    op.create_table(
        "record_dates",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False, comment="the newest record version's event"),
        sa.Column("event_type", sa.String(length=120), nullable=False),
        sa.Column(
            "updated_on", sa.String(length=10), nullable=False, comment="its day, YYYY-MM-DD, China Standard Time"
        ),
        sa.PrimaryKeyConstraint("person_id"),
    )
    op.drop_table("person_versions")
