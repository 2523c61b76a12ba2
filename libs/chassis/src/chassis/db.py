"""Database engines for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import make_url

#: Integer primary keys that autoincrement on both SQLite and PostgreSQL.
BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _json_dumps(value: Any) -> str:
    # Chinese stays readable in JSON columns, and LIKE '%"标签"%' can find it.
    return json.dumps(value, ensure_ascii=False)


class _UtcDateTime(sqlite.DATETIME):
    """SQLite has no time zones: ``DateTime(timezone=True)`` columns are stored as UTC wall
    time and read back as aware UTC datetimes, as PostgreSQL's timestamptz does."""

    def bind_processor(self, dialect: sa.Dialect) -> Callable[[Any], Any] | None:
        process = super().bind_processor(dialect)
        if not self.timezone:
            return process

        def to_utc(value: Any) -> Any:
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                value = value.astimezone(dt.UTC)
            return process(value) if process else value

        return to_utc

    def result_processor(self, dialect: sa.Dialect, coltype: object) -> Callable[[Any], Any] | None:
        process = super().result_processor(dialect, coltype)
        if not self.timezone:
            return process

        def aware(value: Any) -> Any:
            value = process(value) if process else value
            return value.replace(tzinfo=dt.UTC) if isinstance(value, dt.datetime) and value.tzinfo is None else value

        return aware


def make_engine(url: str, **kwargs: Any) -> sa.Engine:
    """An engine with the pragmas and pool settings each backend needs. A failed statement's error
    names the statement, never its values (``hide_parameters``): errors are logged, and the values
    are people's data (a revocation's reason, an ID digest, a name)."""
    kwargs.setdefault("json_serializer", _json_dumps)
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30}, **kwargs)
        engine.dialect.colspecs = {**engine.dialect.colspecs, sa.DateTime: _UtcDateTime}
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy emit BEGIN itself so transactions and locks behave as written.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_conn: Any, _record: object) -> None:
    dbapi_conn.isolation_level = None  # autocommit at the driver; SQLAlchemy issues BEGIN
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def is_postgres(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql"
