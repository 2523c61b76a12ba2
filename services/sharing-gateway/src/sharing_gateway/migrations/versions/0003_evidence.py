"""evidence: agencies' notice-signing keys, the gateway's signing keys with their validity,
ledger checkpoints, the digest of each notice, and an append-only disclosure ledger

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
APPEND_ONLY = ("disclosure_ledger", "ledger_checkpoints")

POSTGRES_GUARD = """
CREATE FUNCTION tongxin_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$
"""


def upgrade() -> None:
    op.create_table(
        "agency_notice_keys",
        sa.Column("kid", sa.String(length=40), primary_key=True),
        sa.Column("agency", sa.String(length=40), sa.ForeignKey("agencies.code"), nullable=False, index=True),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("registered_at", TZ, nullable=False),
        sa.Column("registered_by", sa.String(length=200), nullable=False),
        sa.Column("retired_at", TZ, nullable=True),
    )
    op.create_table(
        "feed_signing_keys",
        sa.Column("kid", sa.String(length=40), primary_key=True),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("not_before", TZ, nullable=False),
        sa.Column("not_after", TZ, nullable=True),
    )
    op.create_table(
        "ledger_checkpoints",
        sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("checkpoint", sa.JSON, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("through", sa.BigInteger, nullable=False),
    )
    with op.batch_alter_table("inbound_notices") as batch:
        batch.add_column(sa.Column("content_digest", sa.String(length=64), nullable=True))
    with op.batch_alter_table("admin_requests") as batch:
        batch.add_column(sa.Column("public_key", sa.String(length=64), nullable=True))
    # The ledger refuses UPDATE, DELETE (and TRUNCATE) to everyone who has not first dropped
    # the guard: a rewrite then needs DDL, which the service's own role should not hold.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_GUARD)
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION tongxin_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION tongxin_refuse_change()"
            )
    else:
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS tongxin_refuse_change()")
    else:
        for table in APPEND_ONLY:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    with op.batch_alter_table("admin_requests") as batch:
        batch.drop_column("public_key")
    with op.batch_alter_table("inbound_notices") as batch:
        batch.drop_column("content_digest")
    op.drop_table("ledger_checkpoints")
    op.drop_table("feed_signing_keys")
    op.drop_table("agency_notice_keys")
