"""The rules of stability reports: who is shared, which moves are legal, notices only move forward."""

from __future__ import annotations

import pytest

from servicedesk.domain import stability


def test_only_severe_reports_are_shared_with_public_security():
    assert [s for s in stability.SEVERITIES if stability.shared_with_police(s)] == ["severe"]


def test_staff_take_a_report_in_hand_then_close_it():
    assert stability.next_state("received", "handle") == "handling"
    assert stability.next_state("handling", "close") == "closed"
    assert stability.next_state("received", "close") == "closed"
    assert stability.allowed_moves("received") == ["handle", "close"]
    assert stability.allowed_moves("closed") == []


@pytest.mark.parametrize(("state", "move"), [("handling", "handle"), ("closed", "close"), ("closed", "handle")])
def test_a_move_from_the_wrong_state_is_illegal(state, move):
    with pytest.raises(stability.IllegalMove):
        stability.next_state(state, move)


@pytest.mark.parametrize(
    ("state", "notice", "after"),
    [
        ("received", "received", "received"),
        ("received", "handling", "handling"),
        ("received", "closed", "closed"),
        ("handling", "received", "handling"),  # late: never back
        ("closed", "handling", "closed"),
        ("closed", "closed", "closed"),
    ],
)
def test_a_notice_moves_a_report_forward_only(state, notice, after):
    assert stability.advanced(state, notice) == after


def test_people_involved_count_each_registered_person_once_and_the_others():
    assert stability.people_involved(["p1", "p2", "p1"], 40) == 42
    assert stability.people_involved([], 0) == 0


def test_the_sensitive_categories_are_among_the_categories():
    assert stability.SENSITIVE_CATEGORIES < set(stability.CATEGORIES)
    assert set(stability.NOTICE_STATES.values()) == set(stability.STATES)


def test_a_severity_only_goes_up():
    assert stability.raises_severity("general", "severe") and stability.raises_severity("serious", "severe")
    assert not stability.raises_severity("severe", "serious") and not stability.raises_severity("serious", "serious")
