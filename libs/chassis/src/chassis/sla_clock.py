"""A clock that spends a budget of working time: running or paused, and the working time it has used
(the service desk's resolution SLA, the sharing gateway's answers to data requests).

The clock runs while its owner says so (a service-desk request open and not waiting on the member;
a data request not waiting on the agency). A pause banks the working time used so far; a restart
gets what is left of the budget, so its new due time is that much working time later (at once, if
nothing is left). Working time comes from the work calendar (``chassis.work_calendar``): rest days
never count.

It is stored in two columns: ``clock_used_s`` (the banked seconds) and ``clock_since`` (when it
last started; empty while paused or stopped).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from chassis.work_calendar import WorkCalendar


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclasses.dataclass(frozen=True)
class SlaClock:
    banked: dt.timedelta
    since: dt.datetime | None = None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> SlaClock:
        since = row["clock_since"]
        return cls(dt.timedelta(seconds=row["clock_used_s"]), _aware(since) if since is not None else None)

    @property
    def running(self) -> bool:
        return self.since is not None

    def used(self, calendar: WorkCalendar, now: dt.datetime) -> dt.timedelta:
        """Working time used by ``now``: what was banked, plus the running spell."""
        if self.since is None:
            return self.banked
        return self.banked + calendar.working_time(self.since, now)

    def pause(self, calendar: WorkCalendar, now: dt.datetime) -> SlaClock:
        return SlaClock(self.used(calendar, now), None)

    def start(self, now: dt.datetime) -> SlaClock:
        return SlaClock(self.banked, now)

    def due(self, budget: dt.timedelta, calendar: WorkCalendar) -> dt.datetime | None:
        """When a running clock uses up ``budget``; None while it is paused."""
        if self.since is None:
            return None
        left = budget - self.banked
        return calendar.add_working_time(self.since, left) if left > dt.timedelta(0) else self.since

    def columns(self) -> dict[str, Any]:
        return {"clock_used_s": self.banked.total_seconds(), "clock_since": self.since}
