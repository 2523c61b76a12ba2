"""The catalogue as the gateway lists it: what a policy grants (a dropped field is not granted),
filters, and pages that neither skip nor repeat an item."""

from __future__ import annotations

from sharing_gateway.domain import catalogue as listing
from sharing_gateway.domain import policy_files

from chassis.catalogue import catalogue, items_by_key

INCIDENT = "cn.tongxin.servicedesk.incident.urgent.v1"
POLICY = policy_files.parse(
    """agency = "x"
name = "测试机构"
version = 1
purpose = "测试"
legal_basis = "测试"
region = "370783000000"
audience = "everyone"

[[share]]
event = "cn.tongxin.servicedesk.incident.urgent.v1"
fields = ["request_id", "name_masked", "category"]
transforms = { category = "drop" }
"""
)


def test_a_policy_grants_the_fields_it_sends():
    by_key = items_by_key()
    assert listing.grants(POLICY, by_key[(INCIDENT, "request_id")])
    assert not listing.grants(POLICY, by_key[(INCIDENT, "category")])  # dropped: withheld
    assert not listing.grants(POLICY, by_key[(INCIDENT, "summary")])
    assert not listing.grants(POLICY, by_key[("cn.tongxin.evaluation.veto.applied.v1", "reason")])
    assert listing.granted_to({"x": POLICY, "y": POLICY}, by_key[(INCIDENT, "name_masked")]) == ["x", "y"]


def test_filters_combine():
    chosen = listing.select(catalogue(), event_type=INCIDENT, sharing="conditional")
    assert {i.field for i in chosen} == {"person_id", "name_masked", "summary"}
    assert listing.select(catalogue(), owner="registry", sharing="unconditional")
    assert all(i.owner.service == "registry" for i in listing.select(catalogue(), owner="registry"))


def test_pages_cover_every_item_once_in_order():
    items = listing.select(catalogue())
    seen, after = [], None
    while True:
        shown, last = listing.page(items, after, 7)
        seen += shown
        if last is None:
            break
        after = last.key
    assert seen == items and len(seen) == len(catalogue())
