"""privacy review: event versions that count emitted events, viewer search text without
sensitive values, digest-key fingerprints

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 11:10:00
"""

import sqlalchemy as sa
from alembic import op

from chassis import sensitive

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_people = sa.table(
    "people",
    sa.column("id", sa.String),
    sa.column("name", sa.String),
    sa.column("employer", sa.String),
    sa.column("position", sa.String),
    sa.column("tags", sa.JSON),
    sa.column("search_text", sa.Text),
    sa.column("search_text_all", sa.Text),
)


def upgrade() -> None:
    with op.batch_alter_table("people") as batch_op:
        # Consumers have seen versions up to ``version``: start counting events from there.
        batch_op.add_column(
            sa.Column("event_version", sa.Integer(), nullable=True, comment="counts emitted registry.person.v1 events")
        )
        batch_op.add_column(
            sa.Column(
                "search_text_all", sa.Text(), nullable=True, comment="the same with sensitive values, for editors"
            )
        )
    op.execute("UPDATE people SET event_version = version, search_text_all = search_text")
    conn = op.get_bind()
    for row in conn.execute(sa.select(_people)).mappings().all():
        values = [row["name"], row["employer"], row["position"], *(row["tags"] or [])]
        public = " ".join(filter(None, sensitive.public_values(filter(None, values)))).lower()
        if public != row["search_text"]:
            conn.execute(_people.update().where(_people.c.id == row["id"]).values(search_text=public))
    with op.batch_alter_table("people") as batch_op:
        batch_op.alter_column("event_version", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("search_text_all", existing_type=sa.Text(), nullable=False)
    op.create_table(
        "digest_keys",
        sa.Column("key_id", sa.String(length=8), nullable=False),
        sa.Column(
            "fingerprint", sa.String(length=64), nullable=False, comment="the key's digest of a fixed probe value"
        ),
        sa.Column("first_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_id"),
    )


def downgrade() -> None:
    op.drop_table("digest_keys")
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_column("search_text_all")
        batch_op.drop_column("event_version")
