"""Assessment months (考核月): a month is a calendar month in China Standard Time, the time the
county's staff work in, so an event at 23:30 on 31 October in Beijing counts in October even
though it is 15:30 UTC. Written ``YYYY-MM`` everywhere (API, tables, CLI)."""

from __future__ import annotations

import datetime as dt
import re

CST = dt.timezone(dt.timedelta(hours=8), "CST")
_MONTH = re.compile(r"(20[0-9]{2})-(0[1-9]|1[0-2])")
_YEAR = re.compile(r"20[0-9]{2}")


class InvalidMonth(ValueError):
    pass


def check(month: str) -> str:
    """``month`` if it is ``YYYY-MM`` (2000-2099), else ``InvalidMonth``."""
    if not isinstance(month, str) or not _MONTH.fullmatch(month):
        raise InvalidMonth(f"a month is written YYYY-MM: {month!r}")
    return month


def of_year(year: str) -> list[str]:
    """The twelve months of ``year`` (``YYYY``, 2000-2099), else ``InvalidMonth``."""
    if not isinstance(year, str) or not _YEAR.fullmatch(year):
        raise InvalidMonth(f"a year is written YYYY: {year!r}")
    return [f"{year}-{mon:02d}" for mon in range(1, 13)]


def has_begun(month: str, now: dt.datetime) -> bool:
    """Whether ``month``'s first day has come in China Standard Time at ``now``."""
    return month <= of_instant(now)


def has_ended(month: str, now: dt.datetime) -> bool:
    """Whether ``month``'s last day is over in China Standard Time at ``now``."""
    return last_day(month) < now.astimezone(CST).date()


def of_instant(at: dt.datetime) -> str:
    """The month an instant falls in, in China Standard Time (a naive time is taken as UTC)."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    return aware.astimezone(CST).strftime("%Y-%m")


def of_day(day: dt.date) -> str:
    return day.strftime("%Y-%m")


def first_day(month: str) -> dt.date:
    year, mon = check(month).split("-")
    return dt.date(int(year), int(mon), 1)


def last_day(month: str) -> dt.date:
    start = first_day(month)
    following = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def months_before(day: dt.date, count: int) -> dt.date:
    """The same day ``count`` months earlier (the month's last day when it has fewer days)."""
    index = day.year * 12 + (day.month - 1) - count
    year, mon = divmod(index, 12)
    start = dt.date(year, mon + 1, 1)
    end = last_day(start.strftime("%Y-%m"))
    return start.replace(day=min(day.day, end.day))
