"""Fixed-window rate limits kept in the service's own database, so every gunicorn
worker and every replica of a service counts against the same limit.

One row per key (e.g. ``rate:203.0.113.7``) holds the current window and its hit
count; one upsert per hit both counts and reads, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from chassis.errors import TooManyRequests


def rate_limit_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "rate_windows",
        metadata,
        sa.Column("key", sa.String(160), primary_key=True),
        sa.Column("window_no", sa.BigInteger, nullable=False, comment="epoch seconds // window length"),
        sa.Column("hits", sa.Integer, nullable=False),
    )


class RateLimiter:
    def __init__(self, engine: sa.Engine, table: sa.Table, limit: int, per_seconds: int):
        self.engine, self.table, self.limit, self.per = engine, table, limit, per_seconds
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def hit(self, key: str, now: float | None = None) -> None:
        """Count one hit for ``key``; raise 429 (with Retry-After) past the limit."""
        now = time.time() if now is None else now
        window = int(now // self.per)
        t = self.table
        insert = self._insert(t).values(key=key, window_no=window, hits=1)
        stmt = insert.on_conflict_do_update(
            index_elements=[t.c.key],
            set_={
                "hits": sa.case((t.c.window_no == window, t.c.hits + 1), else_=1),
                "window_no": window,
            },
        ).returning(t.c.hits)
        with self.engine.begin() as conn:
            hits = conn.execute(stmt).scalar_one()
            if hits == 1:  # a new window for this key: drop other keys' stale windows
                conn.execute(t.delete().where(t.c.window_no < window - 1))
        if hits > self.limit:
            raise TooManyRequests(
                f"请求过于频繁，请 {int((window + 1) * self.per - now) + 1} 秒后再试",
                f"More than {self.limit} requests in {self.per} s; try again later",
                retry_after=int((window + 1) * self.per - now) + 1,
            )
