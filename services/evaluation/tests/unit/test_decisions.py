"""A joint meeting's decision rules, without a database: overrides need a justification; a
revocation needs a round at or above the level of the person's seat in that body."""

from __future__ import annotations

import pytest

from evaluation.domain.decisions import justified, level_needed, may_revoke_at, needs_a_round, overrides

REVOKE = "revoke_membership_recommendation"


@pytest.mark.parametrize(
    ("decision", "computed", "against"),
    [
        ("retain", "vetoed", True),
        ("retain", "bottom", True),
        ("retain", "ranked", False),
        (REVOKE, "ranked", True),
        (REVOKE, "bottom", False),
        ("warning", "ranked", False),
        ("talk", None, False),
    ],
)
def test_which_decisions_go_against_the_computed_outcome(decision, computed, against):
    assert overrides(decision, computed) is against


def test_an_override_needs_ten_characters_of_justification_not_counting_blanks():
    assert not justified("retain", "vetoed", "   太短了   ")
    assert justified("retain", "vetoed", "联席会议认为情节轻微，已整改完毕")
    assert justified("retain", "ranked", "")  # not an override: nothing to justify


def test_warnings_and_revocations_need_a_round_talks_and_retentions_do_not():
    assert needs_a_round("warning") and needs_a_round(REVOKE)
    assert not needs_a_round("talk") and not needs_a_round("retain")


def test_a_revocation_needs_a_round_at_the_level_of_the_seat_in_that_body():
    city_seat = [{"body": "cppcc", "level": "city"}, {"body": "npc", "level": "town"}]
    assert level_needed(city_seat, "cppcc") == level_needed([], "cppcc") + 1  # city, above the county default
    assert not may_revoke_at("county", city_seat, "cppcc") and may_revoke_at("city", city_seat, "cppcc")
    assert may_revoke_at("county", city_seat, "npc")  # the town seat: county is enough (never below county)
    assert not may_revoke_at("town", [], "cppcc")  # no seat: county at least
    assert not may_revoke_at("province", [{"body": "cppcc", "level": "unheard-of"}], "cppcc")  # unknown: national
