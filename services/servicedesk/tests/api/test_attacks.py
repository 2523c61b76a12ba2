"""Issue 15's service-desk doors, tried as an attacker would: each is refused and writes nothing."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from servicedesk.adapters.tables import branches, categories, rate_windows, request_history, suggestions
from servicedesk.service_layer.requests import sweep
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
    with Session(desk.engine) as s, s.begin():
        sweep(s, desk.calendar, dt.datetime.now(dt.UTC) + dt.timedelta(days=30))  # up to the county
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
