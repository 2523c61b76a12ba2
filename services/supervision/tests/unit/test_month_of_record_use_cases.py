"""Closing, recalculating and reading a month on the in-memory unit of work (``tests/fakes.py``):
a closed month reads its kept contributions, not the view; refusals write nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chassis.auth import Principal
from chassis.contracts import registry as reg
from chassis.contracts import servicedesk as sd
from chassis.errors import Conflict, InvalidInput, NotFound
from services.supervision.tests.fakes import FakeUnitOfWork
from supervision.adapters.schemes import load_scheme
from supervision.domain.facts import Fact, Person
from supervision.service_layer import assessment, months_of_record

SCHEME = load_scheme()
FIRST = load_scheme("2026.1")
NOW = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
TOWN, HOME = "370783001000", "370783001001"
COUNTY = Principal("c", "县督查科", frozenset({"viewer"}), "370783000000")
OTHER_TOWN = Principal("o", "东城街道", frozenset({"admin"}), "370783002000")


def served(event_id, n):
    return Fact(event_id, sd.ACTIVITY_RECORDED, "2026-10", HOME, event_id, measure=Decimal(n))


@pytest.fixture
def uow():
    return FakeUnitOfWork([served("e1", 40)], [Person("p1", HOME, True, "d", "v1", reg.PERSON_UPDATED, "2026-10-01")])


def people_served(uow, principal=COUNTY, unit=TOWN):
    answer = assessment.unit_assessment(uow.factory(), principal, SCHEME, "2026-10", unit, NOW)
    return next(f["value"] for f in answer["figures"] if f["indicator"] == "people_served"), answer


def test_a_closed_month_reads_what_was_kept_until_recalculated(uow):
    closure = months_of_record.close_month(uow.factory(), SCHEME, "2026-10", "张三", "结算", NOW)
    uow.supervision.facts.append(served("e2", 60))  # late
    value, answer = people_served(uow)
    assert value == 40 and answer["closed"] and answer["snapshot_digest"] == closure.snapshot_digest
    after = months_of_record.recalculate(uow.factory(), "2026-10", "李四", "补录", NOW)
    assert people_served(uow)[0] == 100
    assert uow.supervision.recalculated[0]["digest_before"] == closure.snapshot_digest != after.snapshot_digest


@pytest.mark.parametrize(
    "month, reason, error",
    [("2026-11", "结算", Conflict), ("2026-13", "结算", InvalidInput), ("2026-10", "  ", InvalidInput)],
)
def test_closing_refuses_a_month_not_ended_a_bad_month_or_no_reason_and_writes_nothing(uow, month, reason, error):
    with pytest.raises(error):
        months_of_record.close_month(uow.factory(), SCHEME, month, "张三", reason, NOW)
    assert uow.supervision.closures == {} and uow.commits == 0


def test_recalculating_an_open_month_is_refused(uow):
    with pytest.raises(NotFound):
        months_of_record.recalculate(uow.factory(), "2026-10", "张三", "更正", NOW)


def test_another_towns_figures_are_not_found(uow):
    with pytest.raises(NotFound):
        people_served(uow, OTHER_TOWN)


def satisfaction_points(uow, current):
    answer = assessment.unit_assessment(uow.factory(), COUNTY, current, "2026-10", TOWN, NOW)
    item = next(i for i in answer["score"]["items"] if i["indicator"] == "satisfaction")
    return answer["scheme"]["version"], item["points"]


def test_a_closed_month_keeps_its_schemes_points_when_a_new_version_ships_until_recalculated_under_it(uow):
    # October, closed under 2026.1, had one request rated 1 of 5: 2026.1 gave it 2.67 of 12, 2026.2 gives 0.
    uow.supervision.facts.append(Fact("c1", sd.REQUEST_CLOSED, "2026-10", HOME, "r1", measure=Decimal(1)))
    months_of_record.close_month(uow.factory(), FIRST, "2026-10", "张三", "结算", NOW)
    assert satisfaction_points(uow, SCHEME) == ("2026.1", Decimal("2.67"))  # open months score under 2026.2
    # A recalculation keeps the month's own version unless the operator names another, and records which.
    months_of_record.recalculate(uow.factory(), "2026-10", "李四", "补录", NOW)
    assert satisfaction_points(uow, SCHEME) == ("2026.1", Decimal("2.67"))
    months_of_record.recalculate(uow.factory(), "2026-10", "李四", "按新方案", NOW, scheme_version="2026.2")
    assert satisfaction_points(uow, SCHEME) == ("2026.2", Decimal("0.00"))
    assert [(r["reason"], r["scheme_version_before"], r["scheme_version"]) for r in uow.supervision.recalculated] == [
        ("补录", "2026.1", "2026.1"), ("按新方案", "2026.1", "2026.2")
    ]  # fmt: skip


def test_recalculating_under_a_version_that_does_not_ship_is_refused_and_writes_nothing(uow):
    months_of_record.close_month(uow.factory(), SCHEME, "2026-10", "张三", "结算", NOW)
    commits = uow.commits
    with pytest.raises(InvalidInput, match=r"1999\.9"):
        months_of_record.recalculate(uow.factory(), "2026-10", "李四", "更正", NOW, scheme_version="1999.9")
    assert uow.commits == commits and uow.supervision.recalculated == []


def test_whether_a_month_has_begun_is_read_on_the_clock_given_not_the_wall_clock(uow):
    """The monthly reads take the service's clock as the year's do: on 2 November 2026 October is read
    and December has not begun, whatever the machine's date."""
    assert assessment.month_to_assess("2026-10", NOW) == "2026-10"
    with pytest.raises(InvalidInput):
        assessment.unit_assessment(uow.factory(), COUNTY, SCHEME, "2026-12", TOWN, NOW)
    later = NOW.replace(year=2027, month=1)
    assert assessment.month_to_assess("2026-12", later) == "2026-12"
