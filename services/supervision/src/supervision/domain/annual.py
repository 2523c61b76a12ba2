"""The annual assessment (年度考核): a unit's year is the mean of its monthly indexes over the months of
the year that have ended, each month scored as its monthly assessment scores it.

Why a mean of indexes and not a sum of points: each month is scored under its own scheme version (a
closed month under the one it was closed with) and on the weight that could be measured that month
(``out_of``); points of different versions and bases do not add up, while every month's index is
"of 100". Each month weighs the same, however many events it had.

A month in which no event at all counted for the unit (its subtree) is not measured: it is left out
of the mean and counted (``months_measured`` of ``months_ended``), not averaged as a zero, since the
platform did not see the unit then (a year the platform started in October is the mean of its
months since). A unit with people on record has events every month, so a month of doing nothing is
measured and scores what its monthly assessment scores. The month not yet ended is left out: its
figures are partial. The mean is of the indexes as published (two places), so a reader can check it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal

from supervision.domain.figures import TWO_PLACES, Figure
from supervision.domain.scheme import Score


@dataclasses.dataclass(frozen=True)
class MonthScore:
    month: str
    #: A closed month's score is kept; an open one's may still move on late events.
    closed: bool
    points: Decimal
    out_of: Decimal
    index: Decimal | None
    #: Whether it counts in the year: an index, and an event behind the unit's figures.
    measured: bool


@dataclasses.dataclass(frozen=True)
class YearScore:
    #: The mean of the measured months' indexes; None when no month was measured.
    index: Decimal | None
    months_ended: int
    months_measured: int
    months: tuple[MonthScore, ...]


def month_score(month: str, closed: bool, figs: Mapping[str, Figure], result: Score) -> MonthScore:
    measured = result.index is not None and any(f.events for f in figs.values())
    return MonthScore(month, closed, result.points, result.out_of, result.index, measured)


def year_score(months: Sequence[MonthScore]) -> YearScore:
    """The year of the months that have ended, in order."""
    indexes = [m.index for m in months if m.measured and m.index is not None]
    index = (sum(indexes, Decimal(0)) / len(indexes)).quantize(TWO_PLACES) if indexes else None
    return YearScore(index, len(months), len(indexes), tuple(months))
