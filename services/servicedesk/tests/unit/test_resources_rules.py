"""Who sees a member's offer, how far it reaches, and how the name is shown (``domain/resources``)."""

from __future__ import annotations

import pytest

from servicedesk.domain import resources as rules

COUNTY, TOWN_A, TOWN_B = "370783000000", "370783001000", "370783002000"
VILLAGE_A1, VILLAGE_A2, VILLAGE_B1 = "370783001001", "370783001002", "370783002001"
OTHER_COUNTY_TOWN = "370782001000"


@pytest.mark.parametrize(
    ("member", "visibility", "reach"),
    [
        (VILLAGE_A1, "unit", None),
        (VILLAGE_A1, "town", TOWN_A),
        (VILLAGE_A1, "county", COUNTY),
        (TOWN_A, "town", TOWN_A),
        (TOWN_A, "county", COUNTY),
        (COUNTY, "town", COUNTY),  # registered at county level: their own unit is as far as a town reaches
    ],
)
def test_an_offer_reaches_the_members_town_or_county(member, visibility, reach):
    assert rules.reach(member, visibility) == reach


@pytest.mark.parametrize(
    ("staff", "visibility", "sees"),
    [
        (VILLAGE_A1, "unit", True),  # the member's own unit
        (TOWN_A, "unit", True),  # and the units above it serve the member
        (COUNTY, "unit", True),
        (VILLAGE_A2, "unit", False),  # a neighbouring village only when shared town-wide
        (VILLAGE_A2, "town", True),
        (VILLAGE_B1, "town", False),
        (TOWN_B, "town", False),
        (TOWN_B, "county", True),
        (VILLAGE_B1, "county", True),
        (OTHER_COUNTY_TOWN, "county", False),  # never beyond the county
    ],
)
def test_staff_see_an_offer_when_they_serve_the_member_or_the_sharing_reaches_them(staff, visibility, sees):
    assert rules.visible(staff, VILLAGE_A1, visibility) is sees


def test_the_name_is_masked_beyond_the_members_units_unless_they_agreed():
    assert rules.shown_name(TOWN_A, VILLAGE_A1, "王小明", False) == "王小明"
    assert rules.shown_name(VILLAGE_A2, VILLAGE_A1, "王小明", False) == "王*明"
    assert rules.shown_name(VILLAGE_A2, VILLAGE_A1, "王小明", True) == "王小明"
    assert rules.serves(TOWN_A, VILLAGE_A1) and not rules.serves(VILLAGE_A2, VILLAGE_A1)
