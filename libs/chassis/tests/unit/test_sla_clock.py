"""The resolution clock with worked examples on the real calendar: no database, no clock of the machine."""

from __future__ import annotations

import datetime as dt

from chassis.sla_clock import SlaClock
from chassis.work_calendar import CST, WorkCalendar

CAL = WorkCalendar()
FRIDAY_10 = dt.datetime(2025, 3, 7, 10, tzinfo=CST)
HOURS = dt.timedelta(hours=1)


def test_a_running_clock_counts_working_time_only():
    clock = SlaClock(dt.timedelta(0), FRIDAY_10)
    assert clock.used(CAL, FRIDAY_10 + 72 * HOURS) == 14 * HOURS + 10 * HOURS  # Friday's rest, Monday to 10:00


def test_a_pause_banks_the_time_used_and_stops_counting():
    paused = SlaClock(2 * HOURS, FRIDAY_10).pause(CAL, FRIDAY_10 + 3 * HOURS)
    assert paused == SlaClock(5 * HOURS, None) and not paused.running
    assert paused.used(CAL, FRIDAY_10 + 500 * HOURS) == 5 * HOURS
    assert paused.due(dt.timedelta(days=2), CAL) is None


def test_a_restart_gets_what_is_left_of_the_budget():
    restarted = SlaClock(dt.timedelta(days=1), None).start(FRIDAY_10)
    # two working days, one used: the day left runs from Friday 10:00 to Monday 10:00
    assert restarted.due(dt.timedelta(days=2), CAL) == dt.datetime(2025, 3, 10, 2, tzinfo=dt.UTC)


def test_a_clock_past_its_budget_is_due_at_once():
    late = SlaClock(dt.timedelta(days=3), None).start(FRIDAY_10)
    assert late.due(dt.timedelta(days=2), CAL) == FRIDAY_10


def test_the_clock_reads_and_writes_its_two_columns():
    row = {"clock_used_s": 3600.0, "clock_since": dt.datetime(2025, 3, 7, 2)}  # SQLite gives naive UTC back
    clock = SlaClock.of(row)
    assert clock == SlaClock(HOURS, dt.datetime(2025, 3, 7, 2, tzinfo=dt.UTC))
    assert SlaClock.of(clock.columns()) == clock
