"""The database-backed rate limit on SQLite and PostgreSQL: counts per key and window, resets, says when to retry."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from chassis.db import make_engine
from chassis.errors import TooManyRequests
from chassis.ratelimit import RateLimiter, rate_limit_table


@pytest.fixture
def limiter(database_url):
    engine = make_engine(database_url)
    metadata = sa.MetaData()
    table = rate_limit_table(metadata)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    yield RateLimiter(engine, table, limit=3, per_seconds=60)
    metadata.drop_all(engine)
    engine.dispose()


def test_the_limit_holds_per_key_and_window(limiter):
    t0 = 1_800_000_000.0  # the start of a window (divisible by 60)
    for _ in range(3):
        limiter.hit("a", now=t0 + 1)
    with pytest.raises(TooManyRequests) as refused:
        limiter.hit("a", now=t0 + 20)
    assert refused.value.extra["retry_after"] == 41
    limiter.hit("b", now=t0 + 20)  # another client is not affected
    limiter.hit("a", now=t0 + 61)  # the next window starts afresh
    with limiter.engine.connect() as conn:
        hits = dict(conn.execute(sa.select(limiter.table.c.key, limiter.table.c.hits)).all())
    assert hits == {"a": 1, "b": 1}


def test_stale_windows_are_swept(limiter):
    t0 = 1_800_000_000.0
    limiter.hit("old", now=t0)
    limiter.hit("new", now=t0 + 600)
    with limiter.engine.connect() as conn:
        assert [k for (k,) in conn.execute(sa.select(limiter.table.c.key))] == ["new"]
