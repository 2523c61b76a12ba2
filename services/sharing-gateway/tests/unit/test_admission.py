"""The admission rule on the shipped CPPCC policy, without a database: the same function decides
for the worker, for held events on resumption and for the operator's dry run."""

from __future__ import annotations

from pathlib import Path

from sharing_gateway.domain import admission, policy_files

from chassis.contracts.evaluation import PERSON_SCORED, QUALIFICATION_REVOKED, ROUND_OPENED
from chassis.contracts.registry import REPRESENTATIVE_CHANGED

CPPCC = policy_files.load_dir(Path(__file__).resolve().parents[4] / "deploy" / "policies")["cppcc"]
MEMBER = [{"body": "cppcc", "level": "county"}]
IN_COUNTY, ELSEWHERE = "370783001001", "370784001001"


def test_an_event_about_a_member_in_the_region_is_admitted():
    data = {"unit_code": IN_COUNTY, "body": "cppcc"}
    assert admission.refusal(CPPCC, QUALIFICATION_REVOKED, data, MEMBER) is None


def test_a_type_the_policy_does_not_grant_is_refused_first():
    assert admission.refusal(CPPCC, ROUND_OPENED, {"unit_code": ELSEWHERE}, []) == admission.NOT_GRANTED


def test_outside_the_region_before_the_audience():
    assert admission.refusal(CPPCC, PERSON_SCORED, {"unit_code": ELSEWHERE}, MEMBER) == admission.REGION


def test_someone_who_never_sat_in_the_body_is_not_its_business():
    data = {"unit_code": IN_COUNTY, "representative_roles": [{"body": "npc", "level": "county"}]}
    assert admission.refusal(CPPCC, PERSON_SCORED, data, []) == admission.AUDIENCE


def test_the_event_that_ends_a_membership_still_reaches_the_body_by_the_roles_before_it():
    data = {"unit_code": IN_COUNTY, "representative_roles": [], "previous_roles": []}
    assert admission.refusal(CPPCC, REPRESENTATIVE_CHANGED, data, MEMBER) is None
    assert admission.refusal(CPPCC, REPRESENTATIVE_CHANGED, data, []) == admission.AUDIENCE
