"""Service desk benchmarks: requests through their whole lifecycle, and the statistics query.

N requests are opened through the service layer (person check, SLA due times on the
working-day calendar, history, outbox event) and each is moved accept > start >
resolve > close, 500 requests per transaction. The baseline writes the same rows
(the request, five history rows, five outbox rows) with bare executemany calls: what
the database costs without the rules. Then the annual statistics over all of them.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bench.report import Result, Timer, percentiles
from chassis.auth import Principal
from chassis.events import Envelope
from chassis.work_calendar import CST
from servicedesk.adapters.tables import outbox, people, request_history, requests
from servicedesk.bootstrap import bootstrap
from servicedesk.config import ServiceDeskSettings
from servicedesk.service_layer import requests as request_service
from servicedesk.service_layer import statistics

COUNTY = "370783000000"
STAFF = Principal("bench", "bench", frozenset({"editor"}), COUNTY)
CATEGORIES = ["school_enrollment", "financing", "recruitment", "legal", "medical", "policy", "other"]
MOVES = [("accept", {}), ("start", {}), ("resolve", {"note": "已办结"}), ("close", {"satisfaction": 5})]
BATCH = 500


def _people(engine, n: int) -> list[str]:
    ids = [f"p{i:06d}" for i in range(n)]
    with engine.begin() as conn:
        conn.execute(
            people.insert(),
            [
                dict(
                    person_id=pid,
                    version=1,
                    name="张三",
                    unit_code=f"3707830{(i % 15) + 1:02d}{(i % 20) + 1:03d}",
                    id_digest=pid.ljust(64, "0"),
                    status="active",
                    categories=[],
                    representative_roles=[],
                    is_representative=False,
                )
                for i, pid in enumerate(ids)
            ],
        )
    return ids


def bench_lifecycle(url: str, n: int) -> list[Result]:
    desk = bootstrap(ServiceDeskSettings(database_url=url))
    desk.migrate()
    members = _people(desk.engine, min(n, 20_000))
    now = dt.datetime.now(dt.UTC)
    with Timer() as t:
        for start in range(0, n, BATCH):
            with Session(desk.engine) as s, s.begin():  # one transaction per batch: units of work join it
                batch = lambda: desk.uow(session=s)  # noqa: E731
                ids = [
                    request_service.open_request(
                        batch,
                        STAFF,
                        {
                            "person_id": members[i % len(members)],
                            "category": CATEGORIES[i % len(CATEGORIES)],
                            "priority": "normal",
                            "title": "诉求",
                            "description": "基准测试诉求",
                            "channel": "visit",
                        },
                        desk.calendar,
                        now,
                    )
                    for i in range(start, min(n, start + BATCH))
                ]
                for action, body in MOVES:
                    for rid in ids:
                        request_service.transition(batch, STAFF, rid, action, body, desk.calendar, now)
    with desk.engine.connect() as conn:
        closed = conn.execute(sa.select(sa.func.count()).where(requests.c.state == "closed")).scalar()
        staged = conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar()
    assert closed == n and staged == 5 * n, (closed, staged)
    baseline = _bare_writes(desk.engine, n)
    today = dt.datetime.now(CST).date()
    samples = []
    for _ in range(10):
        with Timer() as q:
            figures = statistics.report(desk.uow, STAFF, today.replace(month=1, day=1), today, None)
        samples.append(q.seconds * 1000)
    assert figures["requests"]["solved"] == n
    desk.engine.dispose()
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    return [
        Result(
            "servicedesk",
            f"{n:,} requests opened and moved to closed ({backend})",
            n / t.seconds,
            "requests/s",
            baseline="bare executemany of the same rows (requests/s)",
            baseline_value=n / baseline,
            note=f"{backend}: {5 * n:,} changes, each with history and an outbox event, in {t.seconds:.1f} s "
            f"({BATCH} requests per transaction)",
        ),
        Result(
            "servicedesk",
            f"annual statistics over {n:,} requests ({backend}), p50",
            percentiles(samples)["p50"],
            "ms",
        ),
    ]


def _bare_writes(engine, n: int) -> float:
    """The same number of rows as the lifecycle writes, with bare executemany calls, in seconds."""
    metadata = sa.MetaData()
    copies = [
        sa.Table(
            f"bare_{t.name}",
            metadata,
            *(sa.Column(c.name, c.type, primary_key=c.primary_key, autoincrement=c.autoincrement) for c in t.columns),
        )
        for t in (requests, request_history, outbox)
    ]
    metadata.drop_all(engine)
    metadata.create_all(engine)
    bare_requests, bare_history, bare_outbox = copies
    now = dt.datetime.now(dt.UTC)
    with Timer() as t:
        for start in range(0, n, BATCH):
            ids = [str(uuid.uuid4()) for _ in range(start, min(n, start + BATCH))]
            with engine.begin() as conn:
                conn.execute(
                    bare_requests.insert(),
                    [
                        dict(
                            id=rid,
                            person_id="p",
                            unit_code=COUNTY,
                            handling_unit=COUNTY,
                            category="other",
                            priority="normal",
                            urgent=False,
                            title="诉求",
                            description="基准",
                            channel="visit",
                            state="closed",
                            created_at=now,
                            updated_at=now,
                            clock_used_s=0.0,
                            escalations=0,
                            version=5,
                        )
                        for rid in ids
                    ],
                )
                conn.execute(
                    bare_history.insert(),
                    [
                        dict(request_id=rid, at=now, actor="b", action="a", to_state="closed", handling_unit=COUNTY)
                        for rid in ids
                        for _ in range(5)
                    ],
                )
                envelope = Envelope.new(type="x", source="/b", subject="s", data={"request_id": "r"})
                payload = envelope.to_json()
                conn.execute(
                    bare_outbox.insert(),
                    [
                        dict(
                            event_id=str(uuid.uuid4()),
                            event_type="x",
                            topic="servicedesk.v1",
                            key=rid,
                            payload=payload,
                            created_at=now,
                            attempts=0,
                        )
                        for rid in ids
                        for _ in range(5)
                    ],
                )
    metadata.drop_all(engine)
    return t.seconds
