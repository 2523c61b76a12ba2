"""Issue 15's service-desk doors, tried as an attacker would: each is refused and writes nothing."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from servicedesk.adapters.tables import (
    activities,
    branches,
    categories,
    donations,
    rate_windows,
    request_history,
    suggestions,
    volunteers,
)
from servicedesk.service_layer.sla import sweep
from services.servicedesk.tests.conftest import HOME_A, TOWN_A, TOWN_B

from .test_requests import member, open_one  # noqa: F401 (fixture)


def count(desk, table) -> int:
    with desk.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def test_an_anonymous_suggestion_cannot_claim_a_member(client, desk, member):  # noqa: F811
    body = {"person_id": member, "unit_code": HOME_A, "topic": "冒名建议", "content": "以他人名义提交的建议。"}
    r = client.post("/suggestions", json=body)
    assert r.status_code == 422 and r.content_type == "application/problem+json"
    assert count(desk, suggestions) == 0
    del body["person_id"]
    assert client.post("/suggestions", json=body).status_code == 201
    with desk.engine.connect() as conn:
        assert conn.execute(sa.select(suggestions.c.person_id)).scalar() is None


def test_the_mailbox_counts_networks_not_a_forged_forwarded_for(client, desk):
    body = {"unit_code": HOME_A, "topic": "建议", "content": "建议增加公交线路。"}
    for forged in ("1.1.1.1", "2.2.2.2"):  # TRUSTED_PROXY_HOPS is 0: the header is not believed
        h = {"X-Forwarded-For": forged}
        r = client.post("/suggestions", json=body, headers=h, environ_base={"REMOTE_ADDR": "203.0.113.7"})
        assert r.status_code == 201
    with desk.engine.connect() as conn:
        assert [k for (k,) in conn.execute(sa.select(rate_windows.c.key))] == ["anon:203.0.113.0/24"]


def test_once_escalated_the_unit_below_reads_but_cannot_act(client, auth, desk, member):  # noqa: F811
    r = open_one(client, auth, handling_unit=HOME_A)
    sweep(desk.uow, dt.datetime.now(dt.UTC) + dt.timedelta(days=30))  # up to the county
    community = auth(unit=HOME_A, sub="community-clerk")
    assert client.get(f"/requests/{r['id']}", headers=community).status_code == 200
    before = count(desk, request_history)
    refused = client.post(f"/requests/{r['id']}/accept", json={}, headers=community)
    assert refused.status_code == 403 and "370783000000" not in refused.get_data(as_text=True)
    assert count(desk, request_history) == before


def test_a_town_admin_cannot_change_department_wide_rules_or_another_units_branch(client, auth, desk):
    sla = {p: {"response_days": "1", "resolution_days": "1"} for p in ("normal", "high", "urgent")}
    body = {"name_zh": "入学", "name_en": "School", "sla": sla}
    town_admin = auth(roles=("admin",), unit=TOWN_A, sub="town-admin")
    with desk.engine.connect() as conn:
        before = conn.execute(sa.select(categories.c.sla).where(categories.c.code == "school_enrollment")).scalar()
    assert client.put("/request-categories/school_enrollment", json=body, headers=town_admin).status_code == 403
    with desk.engine.connect() as conn:
        after = conn.execute(sa.select(categories.c.sla).where(categories.c.code == "school_enrollment")).scalar()
    assert after == before
    branch = {"code": "medical", "name": "医疗分团", "unit_code": TOWN_B, "specialty": "义诊"}
    assert client.post("/corps/branches", json=branch, headers=auth(roles=("admin",), unit=TOWN_B)).status_code == 201
    hijack = {**branch, "unit_code": TOWN_A, "name": "被改名"}
    assert client.post("/corps/branches", json=hijack, headers=town_admin).status_code == 403
    with desk.engine.connect() as conn:
        assert conn.execute(sa.select(branches.c.name, branches.c.unit_code)).one() == ("医疗分团", TOWN_B)


def test_a_town_cannot_credit_hours_or_donations_to_another_towns_member(client, auth, desk, member):  # noqa: F811
    """m2 lives in town B. Town A's editor may neither log their hours (under town B's branch) nor
    attribute a donation to them, and cannot tell m2 apart from an id that does not exist."""
    county_admin, town_b = auth(roles=("admin",), sub="county-admin"), auth(unit=TOWN_B, sub="town-b")
    branch = {"code": "b_med", "name": "乙镇医疗分团", "specialty": "义诊", "unit_code": TOWN_B}
    assert client.post("/corps/branches", json=branch, headers=county_admin).status_code == 201
    assert (
        client.post("/corps/volunteers", json={"person_id": "m2", "branch_code": "b_med"}, headers=town_b).status_code
        == 201
    )
    town_a = auth(unit=TOWN_A, sub="town-a")
    activity = {"kind": "free_clinic", "title": "甲镇义诊", "held_on": "2026-05-01", "unit_code": HOME_A,
                "people_served": 5, "volunteers": [{"person_id": "m2", "hours": 24}]}  # fmt: skip
    r = client.post("/activities", json=activity, headers=town_a)
    assert r.status_code == 422 and "李华" not in r.get_data(as_text=True)
    a_branch = {**branch, "code": "a_med", "name": "甲镇医疗分团", "unit_code": TOWN_A}
    assert client.post("/corps/branches", json=a_branch, headers=county_admin).status_code == 201
    assert (
        client.post("/corps/volunteers", json={"person_id": "m1", "branch_code": "a_med"}, headers=town_a).status_code
        == 201
    )
    ours = [{"person_id": "m1", "hours": 2}]
    r = client.post("/activities", json={**activity, "volunteers": ours, "branch_code": "b_med"}, headers=town_a)
    assert r.status_code == 422 and r.get_json()["field"] == "branch_code"
    r = client.post("/corps/volunteers", json={"person_id": "m1", "branch_code": "b_med"}, headers=town_a)
    assert r.status_code == 422 and r.get_json()["field"] == "branch_code"
    project = {"programme": "guangcai", "name": "甲镇项目", "unit_code": TOWN_A, "started_on": "2026-01-01"}
    pid = client.post("/charity/projects", json=project, headers=town_a).get_json()["id"]
    gift = {"kind": "money", "value_yuan": "1000000.00", "donated_on": "2026-05-01"}
    theirs = client.post(f"/charity/projects/{pid}/donations", json={**gift, "donor_person_id": "m2"}, headers=town_a)
    nobody = client.post(f"/charity/projects/{pid}/donations", json={**gift, "donor_person_id": "m404"}, headers=town_a)
    assert theirs.status_code == nobody.status_code == 422
    assert theirs.get_json()["detail_en"] == nobody.get_json()["detail_en"]  # no probing for ids outside the scope
    assert count(desk, activities) == 0 and count(desk, donations) == 0
    with desk.engine.connect() as conn:
        assert dict(conn.execute(sa.select(volunteers.c.person_id, volunteers.c.branch_code)).all()) == {
            "m1": "a_med",
            "m2": "b_med",
        }
