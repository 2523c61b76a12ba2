"""A year's qualification figures by unit: where meetings and decisions count, and people counted once."""

from __future__ import annotations

from evaluation.domain.figures import FIGURES, Decision, child_unit, tally

COUNTY, TOWN_A, TOWN_B = "370783000000", "370783001000", "370783002000"
VILLAGE_A1, VILLAGE_A2 = "370783001001", "370783001002"


def test_child_units_of_each_level():
    assert child_unit("county", VILLAGE_A1) == TOWN_A
    assert child_unit("county", COUNTY) == COUNTY  # the county's own meetings: its own row
    assert child_unit("town", VILLAGE_A1) == VILLAGE_A1
    assert child_unit("town", TOWN_A) == TOWN_A
    assert child_unit("village", VILLAGE_A1) == VILLAGE_A1
    assert child_unit("city", COUNTY) == COUNTY


def test_a_county_year_meetings_where_convened_decisions_where_the_person_belonged():
    decided = [
        Decision(VILLAGE_A1, "p1", "revoke_membership_recommendation"),
        Decision(VILLAGE_A2, "p2", "warning"),
        Decision(VILLAGE_A2, "p2", "revoke_recommendation_eligibility"),  # same person, another body
        Decision(TOWN_B, "p3", "talk"),
        Decision(TOWN_B, "p4", "retain"),
    ]
    figures = tally("county", [COUNTY, COUNTY, TOWN_A], decided)
    rows = {r["unit_code"]: r for r in figures["rows"]}
    assert [r["unit_code"] for r in figures["rows"]] == [COUNTY, TOWN_A, TOWN_B]
    assert rows[COUNTY] == {"unit_code": COUNTY, **dict.fromkeys(FIGURES, 0), "meetings_held": 2}
    assert {k: rows[TOWN_A][k] for k in FIGURES} == {
        "meetings_held": 1,
        "people_reviewed": 2,
        "decisions": 3,
        "retained": 0,
        "talks": 0,
        "warnings": 1,
        "revoked": 2,
    }
    assert (rows[TOWN_B]["talks"], rows[TOWN_B]["retained"], rows[TOWN_B]["people_reviewed"]) == (1, 1, 2)
    assert figures["total"] == {
        "meetings_held": 3,
        "people_reviewed": 4,
        "decisions": 5,
        "retained": 1,
        "talks": 1,
        "warnings": 1,
        "revoked": 2,
    }


def test_a_year_without_meetings_is_all_zero_with_no_rows():
    assert tally("town", [], []) == {"rows": [], "total": dict.fromkeys(FIGURES, 0)}


def test_a_person_reviewed_in_two_units_counts_once_in_the_total():
    figures = tally("county", [], [Decision(VILLAGE_A1, "p1", "talk"), Decision(TOWN_B, "p1", "warning")])
    assert [r["people_reviewed"] for r in figures["rows"]] == [1, 1]
    assert figures["total"]["people_reviewed"] == 1
