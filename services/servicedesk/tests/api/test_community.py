"""The suggestions mailbox, the volunteer corps, charity with exact money, and the annual figures."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa

from chassis.work_calendar import CST
from servicedesk.adapters.tables import donations, suggestions
from servicedesk.bootstrap import ServiceDesk
from servicedesk.entrypoints.api.app import create_app
from services.servicedesk.tests.api.test_requests import events, move, open_one
from services.servicedesk.tests.conftest import HOME_A, HOME_B, TOWN_A, TOWN_B
from tests.support.people import person_event


@pytest.fixture
def town(people):
    people(
        person_event("m1", unit=HOME_A, name="王小明"),
        person_event("doc", unit=HOME_A, name="张医生"),
        person_event("lawyer", unit=HOME_B, name="刘律师"),
        person_event("firm", unit=HOME_A, name="寿光蔬菜集团"),
    )


def test_a_suggestion_from_an_anonymous_sender_is_followed_by_its_receipt(client, auth, town, desk):
    sent = client.post(
        "/suggestions", json={"unit_code": HOME_A, "topic": "蔬菜产业", "content": "建议建设蔬菜冷链物流中心。"}
    )
    assert sent.status_code == 201
    receipt, sid = sent.get_json()["receipt_code"], sent.get_json()["id"]
    with desk.engine.connect() as conn:
        stored = conn.execute(sa.select(suggestions.c.receipt_hash, suggestions.c.person_id)).one()
    assert receipt not in stored.receipt_hash and stored.person_id is None  # only a hash; no sender
    assert client.get(f"/suggestions/receipts/{receipt}").get_json()["state"] == "received"
    assert client.post(f"/suggestions/{sid}/answer", json={"answer": "已收到"}, headers=auth()).status_code == 409
    assert client.post(f"/suggestions/{sid}/forward", json={}, headers=auth()).status_code == 422
    client.post(f"/suggestions/{sid}/forward", json={"department": "农业农村局"}, headers=auth())
    client.post(f"/suggestions/{sid}/answer", json={"answer": "已列入明年计划。"}, headers=auth())
    client.post(f"/suggestions/{sid}/adopt", json={"adopted": True}, headers=auth())
    tracked = client.get(f"/suggestions/receipts/{receipt.lower()}").get_json()
    assert (tracked["state"], tracked["department"], tracked["answer"], tracked["adopted"]) == (
        "answered",
        "农业农村局",
        "已列入明年计划。",
        True,
    )
    assert client.get("/suggestions/receipts/NOTAREALCODE").status_code == 404
    assert [t for t, _ in events(desk) if t.startswith("suggestion")] == [
        "suggestion.received.v1",
        "suggestion.answered.v1",
        "suggestion.adopted.v1",
    ]
    assert client.get("/suggestions", headers=auth(unit=TOWN_B)).get_json()["total"] == 0
    assert client.get("/suggestions", headers=auth(unit=TOWN_A)).get_json()["total"] == 1


def test_anonymous_mailbox_is_rate_limited(desk, town):
    strict = ServiceDesk(dataclasses.replace(desk.settings, rate_limit_per_minute=2), desk.engine, desk.calendar)
    client = create_app(strict).test_client()
    body = {"unit_code": HOME_A, "topic": "建议", "content": "五个字以上的内容"}
    codes = [client.post("/suggestions", json=body).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    with desk.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(suggestions)).scalar() == 2


def test_volunteer_activities_count_hours_and_people_served(client, auth, town, desk):
    admin = auth(("admin",))
    branch = {"code": "medical", "name": "医疗卫生分团", "specialty": "义诊", "unit_code": "370783000000"}
    assert client.post("/corps/branches", json=branch, headers=admin).status_code == 201
    assert (
        client.post(
            "/corps/volunteers", json={"person_id": "doc", "branch_code": "medical"}, headers=auth()
        ).status_code
        == 201
    )
    activity = {
        "kind": "free_clinic",
        "title": "社区义诊",
        "held_on": "2026-06-01",
        "unit_code": HOME_A,
        "branch_code": "medical",
        "people_served": 120,
        "volunteers": [{"person_id": "doc", "hours": "3.5"}],
    }
    unenrolled = {**activity, "volunteers": [{"person_id": "lawyer", "hours": "2"}]}
    assert client.post("/activities", json=unenrolled, headers=auth()).status_code == 422
    r = client.post("/activities", json=activity, headers=auth())
    assert r.status_code == 201 and r.get_json()["total_hours"] == "3.5"
    assert r.get_json()["volunteers"][0]["name"] == "张医生"
    assert client.get("/corps/branches", headers=auth()).get_json()[0]["volunteers"] == 1
    (recorded,) = [d for _, d in events(desk, "activity.recorded.v1")]
    assert recorded["volunteers"] == [{"person_id": "doc", "hours": "3.5"}] and recorded["people_served"] == 120
    assert client.get("/activities", headers=auth(unit=TOWN_B)).get_json()["total"] == 0


def test_donations_are_exact_to_the_fen(client, auth, town, desk):
    p = client.post(
        "/charity/projects",
        json={"programme": "guangcai", "name": "光彩助学", "unit_code": HOME_A, "started_on": "2026-01-01"},
        headers=auth(),
    ).get_json()
    url = f"/charity/projects/{p['id']}/donations"
    for value in ("0.10", "0.20", "33333.33"):
        body = {"donor_person_id": "firm", "kind": "money", "value_yuan": value, "donated_on": "2026-03-01"}
        assert client.post(url, json=body, headers=auth()).status_code == 201
    goods = {"donor_person_id": "firm", "kind": "in_kind", "value_yuan": "1000.00", "donated_on": "2026-03-02"}
    assert client.post(url, json=goods, headers=auth()).status_code == 422  # what was given?
    assert client.post(url, json={**goods, "goods": "冬衣200件"}, headers=auth()).status_code == 201
    for bad in ("0.001", "-5", "0", "abc"):
        body = {"donor_person_id": "firm", "kind": "money", "value_yuan": bad, "donated_on": "2026-03-01"}
        assert client.post(url, json=body, headers=auth()).status_code == 422, bad
    client.post(
        f"/charity/projects/{p['id']}/beneficiaries", json={"kind": "pupils_sponsored", "count": 120}, headers=auth()
    )
    got = client.get(f"/charity/projects/{p['id']}", headers=auth()).get_json()
    assert got["total_yuan"] == "34333.63" and got["enterprises"] == 1 and got["donations"] == 4
    assert got["beneficiaries"] == {"pupils_sponsored": 120}
    assert [d["value_yuan"] for _, d in events(desk, "donation.recorded.v1")] == ["0.10", "0.20", "33333.33", "1000.00"]
    with desk.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(donations)).scalar() == 4


def test_statistics_for_a_period_and_subtree(client, auth, town, desk):
    for i in range(3):
        r = open_one(client, auth, category="financing" if i else "school_enrollment")
        for action, body in [
            ("accept", {}),
            ("start", {}),
            ("resolve", {"note": "办结"}),
            ("close", {"satisfaction": 4 + i % 2}),
        ]:
            move(client, auth, r["id"], action, **body)
    open_one(client, auth)  # still open: not solved
    client.post(
        "/corps/branches",
        json={"code": "law", "name": "法律分团", "specialty": "法律", "unit_code": "370783000000"},
        headers=auth(("admin",)),
    )
    client.post("/corps/volunteers", json={"person_id": "doc", "branch_code": "law"}, headers=auth())
    today = dt.datetime.now(CST).date().isoformat()  # the report counts Shouguang days
    for served in (30, 50):
        client.post(
            "/activities",
            json={
                "kind": "legal_advice",
                "title": "普法",
                "held_on": today,
                "unit_code": HOME_A,
                "people_served": served,
                "volunteers": [{"person_id": "doc", "hours": "2"}],
            },
            headers=auth(),
        )
    p = client.post(
        "/charity/projects",
        json={"programme": "gratitude", "name": "感恩行动", "unit_code": HOME_A, "started_on": today},
        headers=auth(),
    ).get_json()
    client.post(
        f"/charity/projects/{p['id']}/donations",
        json={"donor_person_id": "firm", "kind": "money", "value_yuan": "20000000.00", "donated_on": today},
        headers=auth(),
    )
    stats = client.get(f"/statistics?from={today}&to={today}", headers=auth()).get_json()
    assert stats["requests"]["opened"] == 4 and stats["requests"]["solved"] == 3
    assert stats["requests"]["solved_by_category"] == {"financing": 2, "school_enrollment": 1}
    assert stats["requests"]["average_satisfaction"] == pytest.approx(4.33, abs=0.01)
    assert stats["volunteering"] == {"activities": 2, "people_served": 80, "volunteer_hours": "4.0"}
    assert stats["charity"]["money_yuan"] == "20000000.00" and stats["charity"]["enterprises"] == 1
    other = client.get(f"/statistics?from={today}&to={today}", headers=auth(unit=TOWN_B)).get_json()
    assert other["requests"]["opened"] == 0 and other["volunteering"]["activities"] == 0
    assert (
        client.get(f"/statistics?from={today}&to={today}&unit={TOWN_B}", headers=auth(unit=TOWN_A)).status_code == 422
    )
    assert client.get("/statistics?from=2026-12-01&to=2026-01-01", headers=auth()).status_code == 422
