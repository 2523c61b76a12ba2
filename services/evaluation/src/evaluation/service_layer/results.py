"""A round's outcomes: scored again from its ratings and the vetoes in force, and announced.

Closing a round computes them; a violation recorded or rescinded later computes them again
for every round it touches (``violations``); publishing announces each person's score.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from chassis.contracts.evaluation import PERSON_SCORED
from evaluation.adapters.tables import members, outcomes, ratings, violations
from evaluation.domain import veto
from evaluation.domain.scoring import Policy, Rating, evaluate
from evaluation.service_layer.templates import template_from_json
from evaluation.service_layer.unit_of_work import UnitOfWork


def policy_from_json(d: dict) -> Policy:
    return Policy(
        {k: Decimal(v) for k, v in d["source_weights"].items()},
        d["missing_source"],
        Decimal(d["bottom_share"]) if d.get("bottom_share") is not None else None,
        d.get("bottom_count"),
    )


def vetoed_people(uow: UnitOfWork, r: dict) -> dict[str, str]:
    """person id -> violation id, for the round's members (``domain.veto``)."""
    rows = uow.session.execute(
        sa.select(violations.c.id, violations.c.person_id, violations.c.occurred_on, violations.c.status).where(
            violations.c.person_id.in_(sa.select(members.c.person_id).where(members.c.round_id == r["id"]))
        )
    )
    found = [veto.Violation(v.id, v.person_id, v.occurred_on, v.status == "in_force") for v in rows]
    return veto.vetoed(veto.Period(r["starts_on"], r["ends_on"]), found)


def recompute(uow: UnitOfWork, r: dict) -> dict[str, dict]:
    """Score the round again from its ratings and vetoes; returns the new outcomes by person."""
    session = uow.session
    cohort = {
        m.person_id: m.unit_code
        for m in session.execute(
            sa.select(members.c.person_id, members.c.unit_code).where(members.c.round_id == r["id"])
        )
    }
    by_person: dict[str, list[Rating]] = {}
    for row in session.execute(
        sa.select(ratings.c.person_id, ratings.c.source, ratings.c.scores, ratings.c.flagged).where(
            ratings.c.round_id == r["id"]
        )
    ):
        by_person.setdefault(row.person_id, []).append(
            Rating(row.source, {k: Decimal(v) for k, v in row.scores.items()}, row.flagged)
        )
    result = evaluate(
        template_from_json(r["template"]),
        policy_from_json(r["policy"]),
        cohort,
        by_person,
        set(vetoed_people(uow, r)),
    )
    session.execute(outcomes.delete().where(outcomes.c.round_id == r["id"]))
    now = dt.datetime.now(dt.UTC)
    rows = [
        dict(
            round_id=r["id"],
            person_id=o.person_id,
            unit_code=cohort[o.person_id],
            official=o.source_scores["official"],
            self_score=o.source_scores["self"],
            public=o.source_scores["public"],
            composite=o.composite,
            rank=o.rank,
            status=o.status,
            computed_at=now,
        )
        for o in result
    ]
    if rows:
        session.execute(outcomes.insert(), rows)
    return {row["person_id"]: row for row in rows}


def cohort_size(uow: UnitOfWork, round_id: str) -> int:
    return uow.session.execute(sa.select(sa.func.count()).where(members.c.round_id == round_id)).scalar()


def announce_score(uow: UnitOfWork, r: dict, o, size: int) -> None:
    text = lambda v: None if v is None else str(Decimal(v).quantize(Decimal("0.01")))  # noqa: E731
    uow.emit(
        PERSON_SCORED,
        o["person_id"],
        {
            "round_id": r["id"],
            "person_id": o["person_id"],
            "unit_code": o["unit_code"],
            "composite": text(o["composite"]),
            "official": text(o["official"]),
            "self": text(o["self_score"]),
            "public": text(o["public"]),
            "rank": o["rank"],
            "cohort_size": size,
            "status": o["status"],
        },
    )
