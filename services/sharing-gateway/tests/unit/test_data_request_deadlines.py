"""The data-request deadline rule on a calendar with the National Day holiday and its make-up days:
no database, no clock of the machine."""

from __future__ import annotations

import datetime as dt

from sharing_gateway.domain import data_requests as rule

from chassis.sla_clock import SlaClock
from chassis.work_calendar import CST, WorkCalendar

NATIONAL_DAY = WorkCalendar(
    frozenset(dt.date(2025, 10, d) for d in range(1, 9)),
    frozenset({dt.date(2025, 9, 28), dt.date(2025, 10, 11)}),
)
TUESDAY_30_SEPT_10 = dt.datetime(2025, 9, 30, 10, tzinfo=CST)


def cst(month, day, hour=10):
    return dt.datetime(2025, month, day, hour, tzinfo=CST)


def test_both_deadlines_skip_the_holiday_and_count_the_make_up_saturday():
    clock = SlaClock(dt.timedelta(0), TUESDAY_30_SEPT_10)
    # review: Tuesday's 14 h, then nothing until Thursday 9 October (24 h), 10 h of Friday
    assert rule.due(clock, rule.SUBMITTED, NATIONAL_DAY) == cst(10, 10)
    # answer: ... Friday, the make-up Saturday 11th, not Sunday, Monday, and 10 h of Tuesday 14th
    assert rule.due(clock, rule.REVIEWED, NATIONAL_DAY) == cst(10, 14)


def test_overdue_only_once_the_working_time_is_spent():
    clock = SlaClock(dt.timedelta(0), TUESDAY_30_SEPT_10)
    assert rule.overdue(clock, rule.SUBMITTED, NATIONAL_DAY, cst(10, 8, 23)) is None  # the holiday does not count
    assert rule.overdue(clock, rule.SUBMITTED, NATIONAL_DAY, cst(10, 10, 9)) is None
    assert rule.overdue(clock, rule.SUBMITTED, NATIONAL_DAY, cst(10, 10, 10)) == "review"
    assert rule.overdue(clock, rule.REVIEWED, NATIONAL_DAY, cst(10, 10, 10)) is None
    assert rule.overdue(clock, rule.PROPOSED, NATIONAL_DAY, cst(10, 14, 10)) == "answer"


def test_a_request_waiting_on_the_agency_pauses_and_resumes_with_what_is_left():
    clock = SlaClock(dt.timedelta(0), TUESDAY_30_SEPT_10)
    asked = rule.next_state(rule.SUBMITTED, "ask_information")
    assert asked == rule.WAITING
    paused = rule.moved_clock(clock, asked, NATIONAL_DAY, cst(10, 9))  # one working day used
    assert not paused.running and paused.banked == dt.timedelta(days=1)
    assert rule.due(paused, asked, NATIONAL_DAY) is None
    assert rule.overdue(paused, asked, NATIONAL_DAY, cst(11, 30)) is None  # waiting on the agency: never late
    back = rule.next_state(asked, "supply_information", reviewed=False)
    assert back == rule.SUBMITTED
    resumed = rule.moved_clock(paused, back, NATIONAL_DAY, cst(10, 13))  # the agency answers on Monday
    assert rule.due(resumed, back, NATIONAL_DAY) == cst(10, 14)  # the one day left


def test_moves_the_lifecycle_allows():
    assert rule.next_state(rule.SUBMITTED, "propose") is None  # the compliance review comes first
    assert rule.next_state(rule.REVIEWED, "propose") == rule.PROPOSED
    assert rule.next_state(rule.WAITING, "supply_information", reviewed=True) == rule.REVIEWED
    assert rule.next_state(rule.GRANTED, "refuse") is None
    assert rule.next_state(rule.REVIEWED, "supply_information") is None
    answered = rule.moved_clock(SlaClock(dt.timedelta(0), TUESDAY_30_SEPT_10), rule.REFUSED, NATIONAL_DAY, cst(10, 9))
    assert not answered.running
