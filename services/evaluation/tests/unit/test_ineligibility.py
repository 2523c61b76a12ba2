"""The end a joint meeting may set to a lost qualification: after the decision, within one term."""

from __future__ import annotations

import datetime as dt

from evaluation.domain.ineligibility import MAX_YEARS, one_term_after, refusal

DECIDED = dt.date(2026, 12, 20)


def test_no_end_is_always_allowed_the_registry_then_holds_one_term():
    assert refusal(True, DECIDED, None) is None
    assert refusal(False, DECIDED, None) is None


def test_an_end_from_the_next_day_to_one_term_later_is_allowed():
    assert refusal(True, DECIDED, DECIDED + dt.timedelta(days=1)) is None
    assert refusal(True, DECIDED, dt.date(2026 + MAX_YEARS, 12, 20)) is None


def test_an_end_on_or_before_the_decision_is_refused():
    for until in (DECIDED, DECIDED - dt.timedelta(days=1), dt.date(2000, 1, 1)):
        zh, en = refusal(True, DECIDED, until) or ("", "")
        assert "晚于决定日期" in zh and "2026-12-20" in en


def test_an_end_beyond_one_term_is_refused_naming_the_last_allowed_day():
    zh, en = refusal(True, DECIDED, dt.date(2031, 12, 21)) or ("", "")
    assert "2031-12-20" in zh and "at most 5 years" in en


def test_only_a_revocation_carries_an_end():
    zh, en = refusal(False, DECIDED, DECIDED + dt.timedelta(days=30)) or ("", "")
    assert "撤销资格" in zh and "Only a revocation" in en


def test_one_term_after_a_leap_day_falls_on_the_28th():
    assert one_term_after(dt.date(2028, 2, 29)) == dt.date(2033, 2, 28)
    assert refusal(True, dt.date(2028, 2, 29), dt.date(2033, 2, 28)) is None
    assert refusal(True, dt.date(2028, 2, 29), dt.date(2033, 3, 1)) is not None
