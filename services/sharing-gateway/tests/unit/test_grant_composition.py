"""The policy in force: a policy file with the grants in force layered on it (``domain.grants``)."""

from __future__ import annotations

import datetime as dt

from sharing_gateway.domain import admission, grants
from sharing_gateway.domain import policy as policies
from sharing_gateway.domain.policy_files import parse

from chassis.digests import DigestKey

SCORED = "cn.tongxin.evaluation.person.scored.v1"
UPDATED = "cn.tongxin.registry.person.updated.v1"
CITY, TOWN, OTHER_TOWN = "370783000000", "370783001000", "370783002000"
KEY = DigestKey("t1", "x" * 40)
FILE = parse(
    f"""
agency = "npc"
name = "人大"
version = 3
purpose = "履职评价"
legal_basis = "代表法"
region = "{CITY}"
audience = "everyone"
[[share]]
event = "{SCORED}"
fields = ["round_id", "person_id", "unit_code", "composite"]
"""
)
END = dt.datetime(2026, 12, 31, tzinfo=dt.UTC)


def scored(unit):
    return {"round_id": "r1", "person_id": "p1", "unit_code": unit, "composite": 88.5, "rank": 3, "cohort_size": 40}


def test_the_file_alone_is_revision_zero_and_keeps_its_label():
    composed = grants.compose(FILE, [], 0)
    assert composed == FILE and composed.version_label == FILE.file_label


def test_a_narrowed_grant_adds_exactly_its_field_in_its_region_and_names_the_revision():
    composed = grants.compose(FILE, [grants.Grant(SCORED, ("rank",), TOWN, "代表述职排名", END)], 4)
    assert composed.version_label == FILE.file_label + "+g4"
    in_town = policies.apply(composed, SCORED, scored(TOWN), KEY)
    assert in_town == {"round_id": "r1", "person_id": "p1", "unit_code": TOWN, "composite": 88.5, "rank": 3}
    elsewhere = policies.apply(composed, SCORED, scored(OTHER_TOWN), KEY)
    assert "rank" not in elsewhere and elsewhere["composite"] == 88.5  # the file's fields everywhere
    assert "cohort_size" not in in_town  # never asked for, never granted
    assert "rank" not in composed.share_for(SCORED).purposes  # a grant never gives a field a purpose of its own
    assert policies.apply(FILE, SCORED, scored(TOWN), KEY).keys() == {"round_id", "person_id", "unit_code", "composite"}


def test_a_grant_of_an_event_type_the_file_does_not_share_admits_only_its_region():
    composed = grants.compose(FILE, [grants.Grant(UPDATED, ("person_id", "unit_code"), TOWN, "核对", END)], 1)
    data = {"person_id": "p1", "unit_code": TOWN, "name": "王小明", "status": "active"}
    assert admission.refusal(composed, UPDATED, data, None) is None
    assert policies.apply(composed, UPDATED, data, KEY) == {"person_id": "p1", "unit_code": TOWN}
    assert admission.refusal(composed, UPDATED, {**data, "unit_code": OTHER_TOWN}, None) == admission.REGION
    assert admission.refusal(FILE, UPDATED, data, None) == admission.NOT_GRANTED
    assert admission.refusal(composed, UPDATED, {"person_id": "p1"}, None) == admission.REGION  # about no unit


def test_a_grant_for_the_whole_region_sends_everywhere_and_already_granted_sees_it():
    composed = grants.compose(FILE, [grants.Grant(SCORED, ("rank",), CITY, "排名", END)], 2)
    assert "rank" in policies.apply(composed, SCORED, scored(OTHER_TOWN), KEY)
    assert grants.grants_already(composed, SCORED, "rank", TOWN)
    assert grants.grants_already(FILE, SCORED, "composite", TOWN)
    assert not grants.grants_already(FILE, SCORED, "rank", CITY)
    narrow = grants.compose(FILE, [grants.Grant(SCORED, ("rank",), TOWN, "排名", END)], 1)
    assert grants.grants_already(narrow, SCORED, "rank", TOWN)
    assert not grants.grants_already(narrow, SCORED, "rank", CITY)
