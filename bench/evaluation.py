"""Evaluation benchmarks: scoring and ranking a whole round, with its peak memory.

A cohort of N people, each with one official, one self and three public ratings
of all 20 items (5N ratings, 100N item scores), some vetoed, bottom 5 % flagged:

- the domain computation (``evaluation.domain.scoring.evaluate``), exact decimals,
  against a baseline of the same weighted sums in floats with one sort (the
  arithmetic floor of the job, with none of the rules);
- closing a round through the service layer on SQLite (read every rating, score,
  write every outcome in one transaction) at 23,000 people.

Peak memory is Python's own allocation peak (tracemalloc) during the computation,
in a second run so that tracing does not slow the timed one.
"""

from __future__ import annotations

import datetime as dt
import random
import tracemalloc
import uuid
from decimal import Decimal

import sqlalchemy as sa

from bench.report import Result, Timer
from chassis.auth import Principal
from evaluation.adapters.tables import members, ratings, rounds
from evaluation.bootstrap import bootstrap
from evaluation.config import EvaluationSettings
from evaluation.domain.index import DEFAULT
from evaluation.domain.scoring import Policy, Rating, evaluate
from evaluation.service_layer import rounds as round_service

POLICY = Policy(
    {"official": Decimal("0.5"), "self": Decimal("0.2"), "public": Decimal("0.3")}, "renormalise", Decimal("0.05"), None
)
SOURCES = ("official", "self", "public", "public", "public")
ITEMS = [i.code for i in DEFAULT.items()]
COUNTY = "370783000000"


def synthetic_ratings(n: int, seed: int = 11) -> tuple[list[str], dict[str, list[Rating]], set[str]]:
    rnd = random.Random(seed)
    values = [Decimal(v) for v in range(4, 11)]
    cohort = [f"p{i:07d}" for i in range(n)]
    by_person = {pid: [Rating(src, {c: rnd.choice(values) for c in ITEMS}) for src in SOURCES] for pid in cohort}
    vetoed = set(rnd.sample(cohort, max(1, n // 1000)))
    return cohort, by_person, vetoed


def _float_floor(by_person: dict[str, list[Rating]]) -> list[tuple[float, str]]:
    weights = {i.code: float(c.weight * i.weight * 100 / i.max_score) for c in DEFAULT.categories for i in c.items}
    source_weight = {s: float(w) for s, w in POLICY.source_weights.items()}
    scored = []
    for pid, rs in by_person.items():
        per: dict[str, list[float]] = {}
        for r in rs:
            per.setdefault(r.source, []).append(sum(weights[c] * float(v) for c, v in r.scores.items()))
        scored.append((sum(source_weight[s] * sum(v) / len(v) for s, v in per.items()), pid))
    scored.sort(reverse=True)
    return scored


def bench_scoring(sizes: list[int]) -> list[Result]:
    results = []
    for n in sizes:
        cohort, by_person, vetoed = synthetic_ratings(n)
        with Timer() as floor:
            _float_floor(by_person)
        with Timer() as t:
            outcomes = evaluate(DEFAULT, POLICY, cohort, by_person, vetoed)
        assert len(outcomes) == n and sum(o.status == "vetoed" for o in outcomes) == len(vetoed)
        tracemalloc.start()
        evaluate(DEFAULT, POLICY, cohort, by_person, vetoed)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        bottom = sum(o.status == "bottom" for o in outcomes)
        results.append(
            Result(
                "evaluation",
                f"score and rank a round of {n:,} people (5 ratings x 20 items each)",
                t.seconds,
                "s",
                baseline="float weighted sums + one sort, same data",
                baseline_value=floor.seconds,
                note=f"{n:,} people: peak {peak / 2**20:,.0f} MiB allocated while scoring "
                f"(ratings held in memory: the input); {bottom:,} flagged bottom, {len(vetoed):,} vetoed",
            )
        )
        results.append(Result("evaluation", f"peak memory scoring {n:,} people", peak / 2**20, "MiB"))
    return results


def bench_close_round(url: str, n: int) -> list[Result]:
    """Close a round of ``n`` people through the service layer: load ratings, score, write outcomes."""
    ev = bootstrap(EvaluationSettings(database_url=url))
    ev.migrate()
    cohort, by_person, _ = synthetic_ratings(n)
    round_id = str(uuid.uuid4())
    now = dt.datetime.now(dt.UTC)
    with ev.engine.begin() as conn:
        conn.execute(
            rounds.insert(),
            dict(
                id=round_id,
                name="bench",
                scope_unit=COUNTY,
                cohort_filter={"categories": [], "bodies": []},
                template=round_service.templates.template_to_json(DEFAULT),
                policy={
                    "source_weights": {"official": "0.5", "self": "0.2", "public": "0.3"},
                    "missing_source": "renormalise",
                    "bottom_share": "0.05",
                    "bottom_count": None,
                },
                starts_on=dt.date(2026, 1, 1),
                ends_on=dt.date(2026, 12, 31),
                state="open",
                created_by="bench",
                created_at=now,
                version=1,
            ),
        )
        conn.execute(
            members.insert(), [dict(round_id=round_id, person_id=p, name="x", unit_code="370783001001") for p in cohort]
        )
        conn.execute(
            ratings.insert(),
            [
                dict(
                    id=str(uuid.uuid4()),
                    round_id=round_id,
                    person_id=p,
                    source=r.source,
                    rater=f"{r.source}{k}",
                    scores={c: str(v) for c, v in r.scores.items()},
                    flagged=False,
                    submitted_at=now,
                )
                for p, rs in by_person.items()
                for k, r in enumerate(rs)
            ],
        )
    admin = Principal("bench", "bench", frozenset({"admin"}), COUNTY)
    with Timer() as t:
        round_service.transition(ev.uow, admin, round_id, "close")
    with ev.engine.connect() as conn:
        written = conn.execute(sa.text("SELECT count(*) FROM outcomes")).scalar()
    assert written == n
    ev.engine.dispose()
    return [
        Result(
            "evaluation",
            f"close a round of {n:,} people through the service (SQLite)",
            t.seconds,
            "s",
            note=f"reads {5 * n:,} ratings, scores, writes {n:,} outcomes and an event, one transaction",
        )
    ]
