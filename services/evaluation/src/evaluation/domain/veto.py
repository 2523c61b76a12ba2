"""The one-vote veto (一票否决): which violations count for a round, and when a change is news.

A violation counts for a round when it is in force, names a person and occurred within the
round's period (both ends included). Recording or rescinding one recomputes every scored round
whose period holds its date; a ``veto.applied`` or ``veto.lifted`` event goes out only where the
person's status actually crossed into or out of ``vetoed``. The score itself (a vetoed person is
not ranked) is ``scoring.evaluate``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

APPLIED, LIFTED = "applied", "lifted"


@dataclasses.dataclass(frozen=True)
class Violation:
    id: str
    person_id: str | None
    occurred_on: dt.date
    in_force: bool


@dataclasses.dataclass(frozen=True)
class Period:
    starts_on: dt.date
    ends_on: dt.date

    def holds(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


def counts(violation: Violation, period: Period) -> bool:
    return violation.in_force and violation.person_id is not None and period.holds(violation.occurred_on)


def vetoed(period: Period, violations: Iterable[Violation]) -> dict[str, str]:
    """person id -> the id of a violation that vetoes the person in a round of ``period``."""
    return {v.person_id: v.id for v in violations if counts(v, period) and v.person_id is not None}


def is_news(change: str, before: str | None, after: str | None) -> bool:
    """Whether a recomputed status is a veto applied or lifted (and not, say, one veto of several lifted)."""
    if change == APPLIED:
        return after == "vetoed" and before != "vetoed"
    return before == "vetoed" and after != "vetoed"
