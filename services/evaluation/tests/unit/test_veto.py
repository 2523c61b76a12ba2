"""The one-vote veto rule, without a database: which violations count for a round's period, and
which recomputed statuses are news (a veto applied or lifted)."""

from __future__ import annotations

import datetime as dt

from evaluation.domain.veto import APPLIED, LIFTED, Period, Violation, counts, is_news, vetoed

YEAR = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def violation(day: dt.date, person: str | None = "p1", in_force: bool = True, vid: str = "v1") -> Violation:
    return Violation(vid, person, day, in_force)


def test_a_violation_counts_on_both_ends_of_the_period_and_not_a_day_outside():
    assert counts(violation(dt.date(2025, 1, 1)), YEAR) and counts(violation(dt.date(2025, 12, 31)), YEAR)
    assert not counts(violation(dt.date(2024, 12, 31)), YEAR)
    assert not counts(violation(dt.date(2026, 1, 1)), YEAR)


def test_a_rescinded_violation_or_one_matched_to_nobody_does_not_count():
    assert not counts(violation(dt.date(2025, 6, 1), in_force=False), YEAR)
    assert not counts(violation(dt.date(2025, 6, 1), person=None), YEAR)


def test_the_vetoed_people_of_a_round():
    found = [
        violation(dt.date(2025, 6, 1), "p1", vid="a"),
        violation(dt.date(2024, 6, 1), "p2", vid="b"),
        violation(dt.date(2025, 6, 1), "p3", in_force=False, vid="c"),
    ]
    assert vetoed(YEAR, found) == {"p1": "a"}


def test_only_a_crossing_into_or_out_of_vetoed_is_news():
    assert is_news(APPLIED, "ranked", "vetoed") and is_news(APPLIED, None, "vetoed")
    assert not is_news(APPLIED, "vetoed", "vetoed")  # a second violation: already vetoed
    assert is_news(LIFTED, "vetoed", "bottom")
    assert not is_news(LIFTED, "vetoed", "vetoed")  # another violation still vetoes the person
    assert not is_news(LIFTED, "ranked", "ranked")
