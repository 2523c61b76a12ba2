"""Authorization on the running platform: the staff scope matrix (every role x unit level x
endpoint, refusals writing nothing), agency keys used beyond their grants, and the breaks of
issue 15 tried again end to end."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest
import requests
import sqlalchemy as sa

from chassis import units
from tests.e2e.conftest import (
    COUNTY,
    HOME_A,
    HOME_B,
    TOWN_A,
    TOWN_B,
    count,
    engine_of,
    is_problem,
    new_person,
    service_url,
    wait_for,
)
from tests.support.infra import say

ROLES = ("viewer", "editor", "evaluator", "auditor", "admin")
LEVELS = {"county": COUNTY, "town A": TOWN_A, "town B": TOWN_B, "community A": HOME_A, "community B": HOME_B}


@pytest.fixture(scope="module")
def subject(platform, tokens):
    """A person in community A with a service request: what the matrix reaches for."""
    admin = tokens.issue("matrix-admin", ["admin"], COUNTY)
    h = {"Authorization": f"Bearer {admin}"}
    person = requests.post(
        service_url(platform, "registry") + "/people", json=new_person(unit=HOME_A), headers=h, timeout=30
    ).json()
    desk = service_url(platform, "servicedesk")
    ask = {"person_id": person["id"], "category": "policy", "title": "矩阵", "description": "权限矩阵测试"}

    def asked():
        r = requests.post(desk + "/requests", json=ask, headers=h, timeout=30)
        return r.status_code == 201 and r.json()["id"]

    def known():
        return requests.get(f"{service_url(platform, 'evaluation')}/people/{person['id']}", headers=h, timeout=30).ok

    request_id = wait_for(asked, 60, 0.3, "the desk knows the person")
    wait_for(known, 60, 0.3, "evaluation knows the person")
    return {"person": person["id"], "request": request_id}


def expected(endpoint: str, role: str, unit: str) -> int:
    # The subject lives in community A of town A; rounds and statistics are asked for town A.
    target = TOWN_A if endpoint in ("evaluation round", "desk statistics") else HOME_A
    sees = units.in_subtree(unit, target)
    rules = {
        # endpoint: (roles allowed or None for any, status when out of scope)
        "registry read": (("viewer", "editor"), 404),  # personal data: not for evaluators or auditors
        "registry write": (("editor", "admin"), 404),
        "evaluation read": (None, 404),
        "evaluation round": (("evaluator", "admin"), 422),
        "desk read": (None, 404),
        "desk write": (("editor", "admin"), 422),
        "desk statistics": (None, 422),
        "gateway agencies": (("admin", "auditor"), None),
        "gateway ledger": (("admin", "auditor"), None),
    }
    allowed, out_of_scope = rules[endpoint]
    if allowed and role not in allowed and not (role == "admin"):
        return 403
    if out_of_scope and not sees:
        return out_of_scope
    return {"registry write": 200, "evaluation round": 201, "desk write": 201}.get(endpoint, 200)


COUNTED = {
    "people": ("registry", "people"),
    "rounds": ("evaluation", "rounds"),
    "requests": ("servicedesk", "service_requests"),
    "ledger": ("sharing-gateway", "disclosure_ledger"),
}


def test_the_staff_scope_matrix(platform, tokens, subject):
    reg, ev, desk, gw = (service_url(platform, s) for s in ("registry", "evaluation", "servicedesk", "sharing-gateway"))
    pid, rid = subject["person"], subject["request"]
    today = dt.date.today().isoformat()

    def call(endpoint: str, h: dict) -> requests.Response:
        if endpoint == "registry read":
            return requests.get(f"{reg}/people/{pid}", headers=h, timeout=30)
        if endpoint == "registry write":
            etag = requests.get(f"{reg}/people/{pid}", headers=admin, timeout=30).headers["ETag"]
            return requests.patch(
                f"{reg}/people/{pid}", json={"notes": uuid.uuid4().hex}, headers={**h, "If-Match": etag}, timeout=30
            )
        if endpoint == "evaluation read":
            return requests.get(f"{ev}/people/{pid}", headers=h, timeout=30)
        if endpoint == "evaluation round":
            body = {"name": "矩阵轮次", "scope_unit": TOWN_A, "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
            return requests.post(f"{ev}/rounds", json=body, headers=h, timeout=30)
        if endpoint == "desk read":
            return requests.get(f"{desk}/requests/{rid}", headers=h, timeout=30)
        if endpoint == "desk write":
            ask = {"person_id": pid, "category": "policy", "title": "矩阵", "description": "权限矩阵测试"}
            return requests.post(f"{desk}/requests", json=ask, headers=h, timeout=30)
        if endpoint == "desk statistics":
            return requests.get(
                f"{desk}/statistics", params={"from": today, "to": today, "unit": TOWN_A}, headers=h, timeout=30
            )
        if endpoint == "gateway agencies":
            return requests.get(f"{gw}/agencies", headers=h, timeout=30)
        return requests.get(f"{gw}/ledger", headers=h, timeout=30)

    admin = {"Authorization": f"Bearer {tokens.issue('m', ['admin'], COUNTY)}"}
    endpoints = ["registry read", "registry write", "evaluation read", "evaluation round", "desk read", "desk write",
                 "desk statistics", "gateway agencies", "gateway ledger"]  # fmt: skip
    before = {name: count(platform, *where) for name, where in COUNTED.items()}
    mismatches, created = [], {"rounds": 0, "requests": 0}
    for endpoint, role, (level, unit) in itertools.product(endpoints, ROLES, LEVELS.items()):
        h = {"Authorization": f"Bearer {tokens.issue(f'{role}@{unit}', [role], unit)}"}
        r = call(endpoint, h)
        want = expected(endpoint, role, unit)
        if r.status_code != want or (want >= 400 and not is_problem(r, want)):
            mismatches.append((endpoint, role, level, want, r.status_code))
        created["rounds"] += endpoint == "evaluation round" and r.status_code == 201
        created["requests"] += endpoint == "desk write" and r.status_code == 201
    assert mismatches == [], mismatches
    after = {name: count(platform, *where) for name, where in COUNTED.items()}
    assert after == {k: before[k] + created.get(k, 0) for k in before}  # refusals wrote nothing
    say(f"scope matrix: {len(endpoints) * len(ROLES) * len(LEVELS)} calls, all as expected; writes {created}")


def test_agency_keys_reach_no_further_than_their_grants(platform, as_agency):
    notice = {"specversion": "1.0", "id": f"X-{uuid.uuid4().hex[:6]}", "source": "/x", "data": {}}
    violations, memberships = {"violation", "violation_rescinded"}, {"membership_confirmed", "membership_ended"}
    grants = {"court": violations, "public_security": violations, "npc": memberships, "cppcc": memberships}
    before = count(platform, "sharing-gateway", "inbound_notices")
    for agency, granted in grants.items():
        client = as_agency(agency)
        unsigned = client.post("/notices", json={**notice, "type": f"cn.tongxin.notice.{sorted(granted)[0]}.v1"})
        assert is_problem(unsigned, 400) and "JWS" in unsigned.text  # the API key alone is not enough
        for kind in {"violation", "violation_rescinded", "membership_confirmed", "membership_ended"} - granted:
            r = client.send_notice({**notice, "type": f"cn.tongxin.notice.{kind}.v1"})
            assert is_problem(r, 403) and agency not in r.text
        assert client.get("/agencies").status_code == 401 and client.get("/ledger").status_code == 401
        assert all(e["agency"] == agency for e in client.get("/feed", params={"limit": 1000}).json()["entries"])
    assert count(platform, "sharing-gateway", "inbound_notices") == before


def test_issue_15_breaks_tried_again_on_the_running_platform(platform, as_staff, as_agency):
    """A community evaluator opening a county round, a town admin minting a court key, and two
    agencies sending the same notice id: refused, refused, and kept apart end to end."""
    from tests.e2e.test_scenarios import register

    county_ev = as_staff("evaluation", ("evaluator",))
    body = {"name": "县级轮次", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    round_id = county_ev.post("/rounds", json=body).json()["id"]
    r = as_staff("evaluation", ("evaluator",), unit=HOME_A, sub="community-ev").post(f"/rounds/{round_id}/open")
    assert is_problem(r, 403) and county_ev.get(f"/rounds/{round_id}").json()["state"] == "draft"
    town_admin = as_staff("sharing-gateway", ("admin", "gateway_admin"), unit=TOWN_A, sub="town-admin")
    assert is_problem(town_admin.post("/agencies/court/key-requests"), 403)

    registry = as_staff("registry", ("editor",))
    first, second = register(registry), register(registry)
    notice_id = f"DUP-{uuid.uuid4().hex[:8]}"

    def violation(person) -> dict:
        return {"specversion": "1.0", "id": notice_id, "type": "cn.tongxin.notice.violation.v1", "source": "/x",
                "data": {"id_number": person["id_number"], "case_reference": "(2026)001", "violation_type": "违法",
                         "occurred_on": "2026-08-01", "authority": "机关"}}  # fmt: skip

    court, police = as_agency("court"), as_agency("public_security")
    assert court.send_notice(violation(first)).status_code == 201
    assert police.send_notice(violation(second)).status_code == 201
    engine = engine_of(platform, "evaluation")
    query = sa.text("SELECT agency, status FROM violations WHERE notice_id = :n")

    def kept() -> dict:
        with engine.connect() as conn:
            return dict(conn.execute(query, {"n": notice_id}).all())

    wait_for(lambda: len(kept()) == 2, 60, 0.3, "both agencies' notices in evaluation")
    rescind = {**violation(second), "id": notice_id + "-R", "type": "cn.tongxin.notice.violation_rescinded.v1",
               "data": {"original_notice_id": notice_id, "reason": "撤销"}}  # fmt: skip
    assert police.send_notice(rescind).status_code == 201
    wait_for(lambda: kept().get("public_security") == "rescinded", 60, 0.3, "the police rescission")
    assert kept() == {"court": "in_force", "public_security": "rescinded"}
    engine.dispose()
