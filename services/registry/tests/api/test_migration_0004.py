"""Migration 0004 (the qualification loop) on each database: it builds exactly the tables the code
declares, and stepping back to 0003 drops them and leaves the people as they were."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from chassis import migrations
from registry.adapters import tables
from registry.bootstrap import MIGRATIONS

NEW_TABLES = {"ineligibilities", "vettings", "parked_notices", "seat_notices"}


def _step(engine: sa.Engine, action, revision: str) -> None:
    cfg = migrations.config(MIGRATIONS)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        action(cfg, revision)


def _drift(engine: sa.Engine) -> list:
    """What differs between the migrated schema and ``registry.adapters.tables`` (types included)."""
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), tables.metadata)


def test_the_migration_matches_the_tables_and_steps_back_cleanly(registry, create):
    engine = registry.engine
    assert _drift(engine) == []
    p = create()
    _step(engine, command.downgrade, "0003")
    assert NEW_TABLES.isdisjoint(sa.inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT id FROM people")).scalars().all() == [p["id"]]
    _step(engine, command.upgrade, "head")
    assert NEW_TABLES <= set(sa.inspect(engine).get_table_names())
    assert _drift(engine) == []
