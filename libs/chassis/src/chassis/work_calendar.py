"""The working-day calendar every deadline of the platform runs on: the service desk's SLA clocks
and the sharing gateway's answers to data requests (《政务数据共享条例》 counts in working days).

A working day is a weekday that is not a public holiday, or a weekend day that the
State Council's schedule makes a working day (调休). Days are counted in China
Standard Time; the clock runs all of a working day and not at all on a rest day,
so "2 working days" from Friday 10:00 ends on Tuesday 10:00.

A request's clock runs while it is open and not waiting: ``running`` is the list of
(start, end) intervals in which it ran. ``elapsed`` sums their working time;
``due`` finds when a budget of working days runs out, given the time already used.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from importlib import resources
from pathlib import Path

CST = dt.timezone(dt.timedelta(hours=8), "CST")
DAY = dt.timedelta(days=1)


@dataclasses.dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[dt.date] = frozenset()
    makeup_workdays: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.makeup_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def working_time(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time between two instants."""
        start, end = start.astimezone(CST), end.astimezone(CST)
        total = dt.timedelta(0)
        cursor = start
        while cursor < end:
            midnight = dt.datetime.combine(cursor.date() + DAY, dt.time(), CST)
            segment_end = min(end, midnight)
            if self.is_working_day(cursor.date()):
                total += segment_end - cursor
            cursor = segment_end
        return total

    def elapsed(self, running: list[tuple[dt.datetime, dt.datetime]]) -> dt.timedelta:
        return sum((self.working_time(a, b) for a, b in running), dt.timedelta(0))

    def add_working_time(self, start: dt.datetime, budget: dt.timedelta) -> dt.datetime:
        """The instant (in UTC, as the databases store it) at which ``budget`` of working time
        has passed after ``start``."""
        cursor = start.astimezone(CST)
        while True:
            midnight = dt.datetime.combine(cursor.date() + DAY, dt.time(), CST)
            if self.is_working_day(cursor.date()):
                if cursor + budget <= midnight:
                    return (cursor + budget).astimezone(dt.UTC)
                budget -= midnight - cursor
            cursor = midnight


def load_calendar(path: str = "") -> WorkCalendar:
    """The calendar in ``path`` (setting ``WORK_CALENDAR_FILE``) or, without one, the shipped
    calendar (``chassis/data/holidays.json``; add each year when the State Council
    publishes its schedule)."""
    source = Path(path) if path else resources.files("chassis.data").joinpath("holidays.json")
    data = json.loads(source.read_text(encoding="utf-8"))
    return WorkCalendar(
        frozenset(dt.date.fromisoformat(d) for year in data["years"].values() for d in _days(year["holidays"])),
        frozenset(dt.date.fromisoformat(d) for year in data["years"].values() for d in year["makeup_workdays"]),
    )


def _days(ranges: list[list[str]]) -> list[str]:
    out = []
    for first, last in ranges:
        day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        while day <= end:
            out.append(day.isoformat())
            day += DAY
    return out
