"""Registry benchmarks: the 23,000-row import end to end, and search latency as the registry grows.

Import: a county's registry (23,000 rows) as one .xlsx, through the real import job
(parse, validate every row, write people, memberships, history and outbox events),
against the same rows written by one bare executemany into an empty table.

Search: p50/p95 of the service-layer search at 10k, 100k and 1M people, on SQLite
and PostgreSQL, against a primary-key read on the same database (the floor).

The synthetic people both use are ``bench.registry_people``'s.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

import sqlalchemy as sa

from bench.registry_people import COUNTY, county_workbook, fill, villages
from bench.report import Result, Timer, percentiles
from chassis.auth import Principal
from registry.adapters.tables import import_jobs, people
from registry.bootstrap import bootstrap
from registry.config import RegistrySettings
from registry.service_layer import search
from registry.service_layer.import_job import run_job
from registry.service_layer.units import load_shipped_units

ADMIN = Principal("bench", "bench", frozenset({"admin"}), COUNTY)


def bench_import(url: str, backend: str, rows: int) -> list[Result]:
    reg = bootstrap(RegistrySettings(database_url=url))
    reg.migrate()
    load_shipped_units(reg.engine)
    content = county_workbook(rows, villages(reg.engine))
    job_id = str(uuid.uuid4())
    with reg.engine.begin() as conn:
        conn.execute(
            import_jobs.insert().values(
                id=job_id,
                filename="county.xlsx",
                content=content,
                mode="all_or_nothing",
                state="running",
                processed_rows=0,
                created=0,
                updated=0,
                unchanged=0,
                errors=[],
                actor="bench",
                scope_unit=COUNTY,
                created_at=dt.datetime.now(dt.UTC),
            )
        )
    with Timer() as t:
        keys = [reg.settings.id_digest_key(), *reg.settings.previous_id_digest_keys()]
        run_job(reg.uow, job_id, keys, reg.settings.import_batch_size)
    with reg.engine.connect() as conn:
        created, state = conn.execute(
            sa.select(import_jobs.c.created, import_jobs.c.state).where(import_jobs.c.id == job_id)
        ).one()
        events = conn.execute(sa.text("SELECT count(*) FROM outbox")).scalar()
    assert (state, created) == ("succeeded", rows), (state, created)
    baseline = _bare_insert_seconds(reg.engine, rows)
    reg.engine.dispose()
    return [
        Result(
            "registry",
            f"import {rows:,} rows .xlsx ({backend})",
            t.seconds,
            "s",
            baseline=f"bare executemany of {rows:,} rows",
            baseline_value=baseline,
            target="< 10 s" if rows >= 23000 else None,
            met=t.seconds < 10 if rows >= 23000 else None,
            note=f"{backend}: {events:,} outbox events and {rows:,} history rows written in the same transaction",
        )
    ]


def _bare_insert_seconds(engine, rows: int) -> float:
    table = sa.Table(
        "bench_bare",
        sa.MetaData(),
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(60)),
        sa.Column("id_number", sa.String(18)),
        sa.Column("unit_code", sa.String(12)),
        sa.Column("birth_date", sa.Date),
    )
    table.create(engine, checkfirst=True)
    data = [
        dict(
            id=str(uuid.uuid4()),
            name="张伟",
            id_number="11010519491231002X",
            unit_code=COUNTY,
            birth_date=dt.date(1949, 12, 31),
        )
        for _ in range(rows)
    ]
    with Timer() as t, engine.begin() as conn:
        conn.execute(table.insert(), data)
    return t.seconds


SEARCHES = {
    "list county by pinyin": search.SearchFilters(),
    "pinyin initials 'zw'": search.SearchFilters(q="zw"),
    "name prefix '王'": search.SearchFilters(q="王"),
    "category filter": search.SearchFilters(category="non_public_economy"),
    "town subtree": search.SearchFilters(unit="370783101000"),
}


def bench_search(url: str, backend: str, sizes: list[int], repeats: int) -> list[Result]:
    reg = bootstrap(RegistrySettings(database_url=url))
    reg.migrate()
    load_shipped_units(reg.engine)
    results, have = [], 0
    for size in sizes:
        fill(reg.engine, size, have, reg.settings.id_digest_secret)
        have = size

        # Each search in a transaction of its own, as GET /people runs it; the floor likewise.
        def primary_key_read(size: int = size) -> None:
            with reg.engine.begin() as conn:
                wanted = str(uuid.UUID(int=random.randrange(1, size)))
                conn.execute(sa.select(people.c.name).where(people.c.id == wanted)).first()

        floor = _latencies(primary_key_read, repeats)
        for label, filters in SEARCHES.items():
            lat = _latencies(lambda f=filters: search.search(reg.uow, ADMIN, f, limit=50), repeats)
            results.append(
                Result(
                    "registry search",
                    f"{label}, {size:,} people ({backend}) p95",
                    lat["p95"] * 1000,
                    "ms",
                    baseline="primary-key read p95",
                    baseline_value=floor["p95"] * 1000,
                    target="< 50 ms at 1M" if size >= 1_000_000 else None,
                    met=(lat["p95"] * 1000 < 50) if size >= 1_000_000 else None,
                    note=f"p50 {lat['p50'] * 1000:.1f} ms" if label == "list county by pinyin" else "",
                )
            )
    reg.engine.dispose()
    return results


def _latencies(call, repeats: int, budget_s: float = 10.0) -> dict:
    """Up to ``repeats`` samples, fewer (at least 5) when a query is slow enough to spend the budget."""
    call()  # warm caches
    samples, spent = [], 0.0
    while len(samples) < repeats and (spent < budget_s or len(samples) < 5):
        with Timer() as t:
            call()
        samples.append(t.seconds)
        spent += t.seconds
    return percentiles(samples)
