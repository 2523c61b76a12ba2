"""no overwrite: on SQLite, an INSERT onto a position the ledger or its checkpoints already hold
is refused, so ``INSERT OR REPLACE`` cannot swap a record for another

SQLite resolves a REPLACE conflict by deleting the old row without firing the DELETE trigger
(recursive_triggers is off), so the append-only guard of 0003 let a record be overwritten. A
BEFORE INSERT trigger runs before the conflict is resolved and aborts it. PostgreSQL needs
nothing more: ``INSERT ... ON CONFLICT DO UPDATE`` fires the UPDATE trigger of 0003.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 12:05:00
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

APPEND_ONLY = ("disclosure_ledger", "ledger_checkpoints")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_no_overwrite BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE position = NEW.position) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: overwriting a position refused'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_overwrite")
