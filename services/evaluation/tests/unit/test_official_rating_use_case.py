"""An evaluator's official rating (``service_layer.scores.official``) on the in-memory unit of work:
the use case's rules, fast and without a database. The API suites prove the same on SQLite and
PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest

from chassis.auth import Principal
from chassis.errors import Conflict, Forbidden, InvalidInput, NotFound
from evaluation.domain.index import DEFAULT
from evaluation.service_layer import scores
from evaluation.service_layer.templates import template_to_json
from services.evaluation.tests.fakes import FakeUnitOfWork

COUNTY, TOWN, HOME, ELSEWHERE = "370783000000", "370783001000", "370783001001", "370783002001"
ITEMS = [i.code for i in DEFAULT.items()]
EVALUATOR = Principal("evaluator-1", "评议", frozenset({"evaluator"}), TOWN)


def a_round(round_id: str, state: str = "open", deadline: dt.datetime | None = None) -> dict:
    return {"id": round_id, "scope_unit": COUNTY, "state": state, "deadline": deadline,
            "template": template_to_json(DEFAULT)}  # fmt: skip


@pytest.fixture
def uow() -> FakeUnitOfWork:
    past = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    rounds = [a_round("open"), a_round("draft", "draft"), a_round("late", deadline=past)]
    members = [{"round_id": r, "person_id": p, "unit_code": u}
               for r in ("open", "draft", "late") for p, u in (("p1", HOME), ("p-far", ELSEWHERE))]  # fmt: skip
    return FakeUnitOfWork(rounds, members)


def flat(value: int) -> dict:
    return {code: Decimal(value) for code in ITEMS}


def test_a_second_rating_by_the_same_evaluator_replaces_the_first(uow):
    scores.official(uow.factory(), EVALUATOR, "open", "p1", flat(3))
    second = scores.official(uow.factory(), EVALUATOR, "open", "p1", flat(5))

    assert [(r["id"], r["rater"], r["scores"][ITEMS[0]]) for r in uow.rounds.ratings] == [(second, "evaluator-1", "5")]
    assert uow.commits == 2


def test_another_evaluators_rating_stands_beside_it(uow):
    other = Principal("evaluator-2", "评议", frozenset({"evaluator"}), COUNTY)
    scores.official(uow.factory(), EVALUATOR, "open", "p1", flat(3))
    scores.official(uow.factory(), other, "open", "p1", flat(4))
    assert sorted(r["rater"] for r in uow.rounds.ratings) == ["evaluator-1", "evaluator-2"]


@pytest.mark.parametrize(
    ("principal", "round_id", "person", "items", "refusal"),
    [
        (EVALUATOR, "draft", "p1", flat(3), Conflict),  # not open for scoring
        (EVALUATOR, "late", "p1", flat(3), Conflict),  # past its deadline
        (EVALUATOR, "open", "p-far", flat(3), NotFound),  # a person outside the caller's scope
        (EVALUATOR, "open", "p-unknown", flat(3), NotFound),  # not in the cohort
        (EVALUATOR, "nowhere", "p1", flat(3), NotFound),
        (EVALUATOR, "open", "p1", dict(list(flat(3).items())[:5]), InvalidInput),  # items missing
        (Principal("viewer-1", "查看", frozenset({"viewer"}), TOWN), "open", "p1", flat(3), Forbidden),
    ],
)
def test_a_refused_rating_leaves_nothing_behind(uow, principal, round_id, person, items, refusal):
    with pytest.raises(refusal):
        scores.official(uow.factory(), principal, round_id, person, items)
    assert uow.rounds.ratings == [] and uow.commits == 0
