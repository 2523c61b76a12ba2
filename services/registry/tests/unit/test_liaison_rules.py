"""The contacts rules (``registry.domain.liaison``), pure: who may be a responsible cadre, the
window for a planned day, when a follow-up falls due and is overdue (China time), closing once."""

from __future__ import annotations

import datetime as dt

import pytest

from chassis.errors import Conflict, InvalidInput
from registry.domain import liaison
from registry.domain.liaison import Cadre, FollowUp

COMMUNITY = "370783001001"


@pytest.mark.parametrize("unit", [COMMUNITY, "370783001000", "370783000000", "370700000000"])
def test_a_cadre_of_the_persons_unit_or_above_may_be_responsible(unit):
    liaison.check_cadre(Cadre("wang.li", "王丽", unit), COMMUNITY)


@pytest.mark.parametrize("unit", ["370783001002", "370783002000", "370782000000", "3707830", "abc"])
def test_a_cadre_of_a_sibling_another_county_or_no_unit_is_refused(unit):
    with pytest.raises(InvalidInput) as refused:
        liaison.check_cadre(Cadre("wang.li", "王丽", unit), COMMUNITY)
    assert refused.value.extra["field"] == "cadre.unit"


def test_only_representatives_have_a_cadre():
    liaison.check_is_representative(True)
    with pytest.raises(InvalidInput):
        liaison.check_is_representative(False)


def test_the_planned_day_lies_from_thirty_days_back_to_a_year_on():
    today = dt.date(2026, 11, 28)
    for day in (today - dt.timedelta(days=30), today, today + dt.timedelta(days=366)):
        liaison.check_due_day(day, today)
    for day in (today - dt.timedelta(days=31), today + dt.timedelta(days=367)):
        with pytest.raises(InvalidInput):
            liaison.check_due_day(day, today)


def test_today_is_the_day_in_china():
    assert liaison.today_in_china(dt.datetime(2026, 11, 27, 15, 59, tzinfo=dt.UTC)) == dt.date(2026, 11, 27)
    assert liaison.today_in_china(dt.datetime(2026, 11, 27, 16, 0, tzinfo=dt.UTC)) == dt.date(2026, 11, 28)


def test_the_week_ends_on_sunday():
    assert liaison.end_of_week(dt.date(2026, 11, 23)) == dt.date(2026, 11, 29)  # a Monday
    assert liaison.end_of_week(dt.date(2026, 11, 29)) == dt.date(2026, 11, 29)


def test_a_follow_up_falls_due_on_its_day_and_is_overdue_from_the_next_while_open():
    day = dt.date(2026, 11, 28)
    task = FollowUp(day)
    assert not task.falls_due(day - dt.timedelta(days=1))
    assert task.falls_due(day) and not task.is_overdue(day)
    assert task.is_overdue(day + dt.timedelta(days=1))
    closed = task.close(liaison.NOT_DONE)
    assert not closed.falls_due(day) and not closed.is_overdue(day + dt.timedelta(days=9))


def test_a_follow_up_closes_once_done_or_not_done():
    done = FollowUp(dt.date(2026, 11, 28)).close(liaison.DONE)
    assert done.state == liaison.DONE
    with pytest.raises(Conflict):
        done.close(liaison.NOT_DONE)
    with pytest.raises(InvalidInput):
        FollowUp(dt.date(2026, 11, 28)).close(liaison.OPEN)
