"""contacts: responsible cadres, follow-ups, staff's handling of parked membership notices

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "responsible_cadres",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column(
            "cadre_subject", sa.String(length=100), nullable=False, comment="the staff user's subject (username)"
        ),
        sa.Column("cadre_name", sa.String(length=60), nullable=False),
        sa.Column("cadre_unit", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("assigned_by", sa.String(length=100), nullable=False),
        sa.Column("assigned_at", _TZ, nullable=False),
        sa.Column("ended_at", _TZ, nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_responsible_cadres_person", "responsible_cadres", ["person_id", "ended_at"])
    op.create_index("ix_responsible_cadres_cadre", "responsible_cadres", ["cadre_subject", "ended_at"])
    op.create_table(
        "follow_ups",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False, comment="open, done or not_done"),
        sa.Column("outcome", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("closed_at", _TZ, nullable=True),
        sa.Column("reminded_at", _TZ, nullable=True, comment="when its follow_up_due event was staged, once"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_follow_ups_person_id", "follow_ups", ["person_id"])
    op.create_index("ix_follow_ups_state_due", "follow_ups", ["state", "due_on", "id"])
    with op.batch_alter_table("parked_notices") as batch:
        batch.add_column(
            sa.Column("notice", sa.JSON(), nullable=True, comment="the notice's data, kept to re-apply it")
        )
        batch.add_column(
            sa.Column(
                "state",
                sa.String(length=10),
                nullable=False,
                server_default="parked",
                comment="parked, applied or dismissed",
            )
        )
        batch.add_column(sa.Column("handled_by", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("handled_at", _TZ, nullable=True))
    op.create_table(
        "parked_notice_actions",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("notice_id", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False, comment="reapply or dismiss"),
        sa.Column("outcome", sa.String(length=20), nullable=False, comment="applied, still_parked or dismissed"),
        sa.Column("why", sa.String(length=40), nullable=True, comment="why it is still parked"),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(["agency", "notice_id"], ["parked_notices.agency", "parked_notices.notice_id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_parked_notice_actions_notice", "parked_notice_actions", ["agency", "notice_id"])


def downgrade() -> None:
    op.drop_index("ix_parked_notice_actions_notice", table_name="parked_notice_actions")
    op.drop_table("parked_notice_actions")
    with op.batch_alter_table("parked_notices") as batch:
        for column in ("handled_at", "handled_by", "state", "notice"):
            batch.drop_column(column)
    op.drop_index("ix_follow_ups_state_due", table_name="follow_ups")
    op.drop_index("ix_follow_ups_person_id", table_name="follow_ups")
    op.drop_table("follow_ups")
    op.drop_index("ix_responsible_cadres_cadre", table_name="responsible_cadres")
    op.drop_index("ix_responsible_cadres_person", table_name="responsible_cadres")
    op.drop_table("responsible_cadres")
