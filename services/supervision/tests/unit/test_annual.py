"""The year's rules on worked examples: the mean of the measured months' indexes as published, months
with nothing behind them left out and counted, the months that have ended in China Standard Time, and a
January with no month ended yet (on the in-memory unit of work)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chassis.auth import Principal
from chassis.errors import InvalidInput
from services.supervision.tests.fakes import FakeUnitOfWork
from supervision.adapters.schemes import load_scheme
from supervision.domain import months
from supervision.domain.annual import MonthScore, month_score, year_score
from supervision.domain.figures import Figure
from supervision.domain.scheme import Score
from supervision.service_layer import annual

COUNTY = Principal("c", "县督查科", frozenset({"viewer"}), "370783000000")


def scored(month, index, measured=True, closed=False):
    return MonthScore(month, closed, Decimal(0), Decimal(24), None if index is None else Decimal(index), measured)


def test_the_year_is_the_mean_of_the_measured_months_as_published():
    year = year_score([scored("2026-08", "79.16", closed=True), scored("2026-09", "95.83"), scored("2026-10", "16.67")])
    assert (year.index, year.months_ended, year.months_measured) == (Decimal("63.89"), 3, 3)


def test_months_with_nothing_measured_are_left_out_and_counted_not_averaged_as_zero():
    year = year_score([scored("2026-01", "0.00", measured=False), scored("2026-02", None, measured=False),
                       scored("2026-03", "80.00"), scored("2026-04", "0.00")])  # fmt: skip
    assert (year.index, year.months_ended, year.months_measured) == (Decimal("40.00"), 4, 2)
    assert year_score([scored("2026-01", "0.00", measured=False)]).index is None
    assert year_score([]).index is None


def test_a_month_is_measured_when_an_event_is_behind_a_figure_and_an_index_came_of_it():
    index = Score(Decimal(0), Decimal(20), Decimal("0.00"), ())
    none = {"volunteer_activities": Figure("volunteer_activities", Decimal(0), 0)}
    one = {"volunteer_activities": Figure("volunteer_activities", Decimal(1), 1)}
    assert not month_score("2026-01", False, none, index).measured  # zero counts, but nothing seen
    assert month_score("2026-01", False, one, index).measured
    assert not month_score("2026-01", False, one, Score(Decimal(0), Decimal(0), None, ())).measured


def test_the_months_of_a_year_and_which_have_ended_in_china_standard_time():
    assert months.of_year("2026")[0] == "2026-01" and months.of_year("2026")[-1] == "2026-12"
    for bad in ("26", "2026-01", "1999", "２０２６", "2026\n"):
        with pytest.raises(months.InvalidMonth):
            months.of_year(bad)
    # 31 October 17:00 UTC is 1 November 01:00 in Beijing: October has ended there.
    assert months.has_ended("2026-10", dt.datetime(2026, 10, 31, 17, 0, tzinfo=dt.UTC))
    assert not months.has_ended("2026-10", dt.datetime(2026, 10, 31, 15, 0, tzinfo=dt.UTC))


def test_a_january_has_no_month_ended_and_a_year_not_begun_is_refused():
    uow = FakeUnitOfWork([], [])
    january = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
    answer = annual.unit_year(uow.factory(), COUNTY, load_scheme(), "2026", "370783000000", january)
    assert (answer["index"], answer["months_ended"], answer["months_measured"], answer["months"]) == (None, 0, 0, [])
    ranking = annual.annual_ranking(uow.factory(), COUNTY, load_scheme(), "2026", "370783000000", january)
    assert ranking["items"] == [] and ranking["provisional"] is False
    with pytest.raises(InvalidInput):
        annual.unit_year(uow.factory(), COUNTY, load_scheme(), "2027", "370783000000", january)
