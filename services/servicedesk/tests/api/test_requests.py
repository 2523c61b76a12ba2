"""Service requests through the API on SQLite and PostgreSQL: the lifecycle with its history and
events, SLA breaches and escalation, waiting that pauses the clock, urgent incidents, scope."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from chassis.paging import encode_cursor
from servicedesk.adapters.tables import outbox, request_history, requests
from servicedesk.service_layer.sla import sweep
from services.servicedesk.tests.conftest import HOME_A, HOME_B, TOWN_A, TOWN_B
from tests.support.people import person_event


def events(desk, suffix=None):
    with desk.engine.connect() as conn:
        rows = conn.execute(sa.select(outbox.c.event_type, outbox.c.payload).order_by(outbox.c.id)).all()
    out = [(t.removeprefix("cn.tongxin.servicedesk."), json.loads(bytes(p))["data"]) for t, p in rows]
    return [e for e in out if suffix is None or e[0] == suffix]


def counts(desk):
    with desk.engine.connect() as conn:
        return tuple(
            conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in (requests, request_history, outbox)
        )


@pytest.fixture
def member(people):
    people(person_event("m1", unit=HOME_A, name="王小明"), person_event("m2", unit=HOME_B, name="李华"))
    return "m1"


def open_one(client, auth, **extra):
    body = {
        "person_id": "m1",
        "category": "school_enrollment",
        "title": "孩子入学咨询",
        "description": "孩子明年上小学，户籍与居住地不一致，咨询入学办法。",
        **extra,
    }
    r = client.post("/requests", json=body, headers=auth())
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def move(client, auth, rid, action, **body):
    return client.post(f"/requests/{rid}/{action}", json=body, headers=auth())


def test_a_request_through_every_state_with_its_history_and_events(client, auth, member, desk):
    r = open_one(client, auth)
    assert r["state"] == "submitted" and r["allowed_actions"] == ["accept", "reject"]
    assert r["response_due_at"] and r["resolution_due_at"] and r["clock_running"]
    steps = [
        ("accept", {}),
        ("start", {}),
        ("wait", {"note": "等待教育局回复"}),
        ("resume", {}),
        ("resolve", {"note": "已协调入学"}),
        ("reopen", {"note": "家长反映仍未落实"}),
        ("start", {}),
        ("resolve", {"note": "已落实学位"}),
        ("close", {"satisfaction": 5}),
    ]
    for action, body in steps:
        resp = move(client, auth, r["id"], action, **body)
        assert resp.status_code == 200, (action, resp.get_json())
    done = client.get(f"/requests/{r['id']}", headers=auth()).get_json()
    assert done["state"] == "closed" and done["satisfaction"] == 5 and done["handler"] == "clerk1"
    assert [h["action"] for h in done["history"]] == ["submit"] + [a for a, _ in steps]
    assert done["history"][3]["note"] == "等待教育局回复" and done["history"][3]["from_state"] == "in_progress"
    assert [t for t, _ in events(desk)] == [
        "request.opened.v1",
        *["request.status_changed.v1"] * 4,
        "request.resolved.v1",
        "request.status_changed.v1",
        "request.status_changed.v1",
        "request.resolved.v1",
        "request.closed.v1",
    ]
    opened = events(desk, "request.opened.v1")[0][1]
    assert "description" not in opened and "title" not in opened  # what a member asked stays here


def test_illegal_moves_and_missing_notes_change_nothing(client, auth, member, desk):
    r = open_one(client, auth)
    before = counts(desk)
    bad = move(client, auth, r["id"], "resolve", note="x")
    assert bad.status_code == 409 and bad.get_json()["allowed_actions"] == ["accept", "reject"]
    assert "不能" in bad.get_json()["detail"]
    assert move(client, auth, r["id"], "reject").status_code == 422  # a rejection needs its reason
    assert move(client, auth, r["id"], "fly").status_code == 404
    move(client, auth, r["id"], "accept")
    move(client, auth, r["id"], "start")
    move(client, auth, r["id"], "resolve", note="ok")
    assert move(client, auth, r["id"], "close").status_code == 422  # satisfaction first
    assert move(client, auth, r["id"], "close", satisfaction=6).status_code == 422
    assert counts(desk)[0] == before[0] and counts(desk)[1] == before[1] + 3


def test_waiting_pauses_the_resolution_clock(client, auth, member, desk):
    # The desk's clock on a working day (Wednesday 2026-03-04, 10:00 in Beijing), so a pause of
    # two hours is two hours of working time whatever day the suite runs on.
    clock = [dt.datetime(2026, 3, 4, 2, 0, tzinfo=dt.UTC)]
    desk.clock = lambda: clock[0]
    r = open_one(client, auth)
    move(client, auth, r["id"], "accept")
    move(client, auth, r["id"], "start")
    waiting = move(client, auth, r["id"], "wait", note="等待申请人补充材料").get_json()
    assert waiting["resolution_due_at"] is None and waiting["clock_running"] is False
    # Nothing breaches while waiting, however late it gets.
    assert sweep(desk.uow, clock[0] + dt.timedelta(days=400)) == 0
    clock[0] += dt.timedelta(hours=2)
    resumed = move(client, auth, r["id"], "resume").get_json()
    due = dt.datetime.fromisoformat(resumed["resolution_due_at"])
    assert resumed["clock_running"]
    assert due - dt.datetime.fromisoformat(r["resolution_due_at"]) == dt.timedelta(hours=2)


def test_late_requests_breach_once_escalate_and_are_published(client, auth, member, desk):
    r = open_one(client, auth, handling_unit=HOME_A)
    version = client.get(f"/requests/{r['id']}", headers=auth()).get_json()["version"]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    assert sweep(desk.uow, later) == 2  # no response, no resolution
    assert sweep(desk.uow, later + dt.timedelta(days=1)) == 0  # each clock breaches once
    got = client.get(f"/requests/{r['id']}", headers=auth()).get_json()
    assert got["breached"] and got["escalations"] == 2
    assert got["version"] == version + 2  # a transition that read the request before must reload it
    assert got["handling_unit"] == "370783000000"  # community -> town -> county
    breaches = [d for _, d in events(desk, "request.sla_breached.v1")]
    assert [(b["clock"], b["escalated_from"], b["escalated_to"]) for b in breaches] == [
        ("response", HOME_A, TOWN_A),
        ("resolution", TOWN_A, "370783000000"),
    ]
    assert [h["action"] for h in got["history"]][-2:] == ["response_breach", "resolution_breach"]
    listed = client.get("/requests?breached=true", headers=auth()).get_json()["items"]
    assert [i["id"] for i in listed] == [r["id"]]


def test_an_urgent_matter_is_published_with_the_minimum_of_personal_data(client, auth, member, desk):
    assert (
        client.post(
            "/requests",
            json={
                "person_id": "m1",
                "category": "other",
                "title": "紧急",
                "description": "厂区纠纷可能激化",
                "urgent": True,
            },
            headers=auth(),
        ).status_code
        == 422
    )  # the de-identified summary is required
    r = open_one(client, auth, category="other", urgent=True, urgent_summary="企业劳资纠纷，有聚集苗头")
    assert r["priority"] == "urgent"
    (incident,) = [d for _, d in events(desk, "incident.urgent.v1")]
    assert incident == {
        "request_id": r["id"],
        "person_id": "m1",
        "name_masked": "王*明",
        "unit_code": HOME_A,
        "category": "other",
        "summary": "企业劳资纠纷，有聚集苗头",
        "reported_at": incident["reported_at"],
    }


def test_an_urgent_summary_leaves_with_id_numbers_and_phones_masked_and_capped(client, auth, member, desk):
    wide = "11010519491231002X".translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    summary = f"当事人身份证{wide}，联系 13812345678，座机 0536-5221234。" + "现场情况紧急" * 40
    body = {"person_id": "m1", "category": "other", "title": "紧急", "description": "x", "urgent": True}
    too_long = client.post("/requests", json={**body, "urgent_summary": summary + "x" * 300}, headers=auth())
    assert too_long.status_code == 422
    open_one(client, auth, category="other", urgent=True, urgent_summary=summary[:200])
    (incident,) = [d for _, d in events(desk, "incident.urgent.v1")]
    sent = incident["summary"]
    assert len(sent) <= 200 and "110105************" in sent
    assert "13812345678" not in sent and "5221234" not in sent and "138******78" in sent
    assert "１９４９１２３１" not in sent and "19491231" not in sent


def test_unknown_and_archived_people_are_refused_clearly(client, auth, people, desk):
    people(person_event("gone", unit=HOME_A, status="archived"))
    body = {"category": "legal", "title": "咨询", "description": "合同纠纷咨询"}
    unknown = client.post("/requests", json={**body, "person_id": "nobody"}, headers=auth())
    archived = client.post("/requests", json={**body, "person_id": "gone"}, headers=auth())
    assert unknown.status_code == 422 and unknown.get_json()["field"] == "person_id"
    assert archived.status_code == 409 and "归档" in archived.get_json()["detail"]
    assert counts(desk) == (0, 0, 0)


def test_staff_see_and_handle_only_their_subtree_and_follow_moves(client, auth, member, people, desk):
    r = open_one(client, auth)
    town_a, town_b = auth(unit=TOWN_A, sub="a"), auth(unit=TOWN_B, sub="b")
    assert client.get(f"/requests/{r['id']}", headers=town_a).status_code == 200
    assert client.get(f"/requests/{r['id']}", headers=town_b).status_code == 404
    assert client.post(f"/requests/{r['id']}/accept", json={}, headers=town_b).status_code == 404
    assert client.get("/requests", headers=town_b).get_json()["items"] == []
    viewer = auth(roles=("viewer",), unit=TOWN_A)
    assert client.post(f"/requests/{r['id']}/accept", json={}, headers=viewer).status_code == 403
    # The member moves to town B: the request goes with them, and its handling with it.
    people(person_event("m1", unit=HOME_B, version=2, name="王小明"))
    moved = client.get(f"/requests/{r['id']}", headers=town_b).get_json()
    assert (moved["unit_code"], moved["handling_unit"], moved["history"][-1]["action"]) == (HOME_B, HOME_B, "transfer")
    assert [i["id"] for i in client.get("/requests", headers=town_b).get_json()["items"]] == [r["id"]]
    assert client.get(f"/requests/{r['id']}", headers=town_a).status_code == 404


def test_the_queue_filters_and_pages_with_a_cursor(client, auth, member):
    ids = [open_one(client, auth, title=f"诉求{i}")["id"] for i in range(5)]
    move(client, auth, ids[0], "accept")
    first = client.get("/requests?limit=2", headers=auth()).get_json()
    second = client.get(f"/requests?limit=2&cursor={first['next_cursor']}", headers=auth()).get_json()
    third = client.get(f"/requests?limit=2&cursor={second['next_cursor']}", headers=auth()).get_json()
    seen = [i["id"] for page in (first, second, third) for i in page["items"]]
    assert sorted(seen) == sorted(ids) and len(set(seen)) == 5 and third["next_cursor"] is None
    assert [i["id"] for i in client.get("/requests?state=accepted", headers=auth()).get_json()["items"]] == [ids[0]]
    assert client.get("/requests?cursor=nonsense", headers=auth()).status_code == 422
    # A well-formed cursor whose time is no time (hand-made): a 422 too, where it was a 500.
    forged = encode_cursor("yesterday", "r1")
    for path in ("/requests", "/education/materials", "/education/assignments", "/stability-reports"):
        r = client.get(f"{path}?cursor={forged}", headers=auth(roles=["editor"]))
        assert r.status_code == 422 and r.get_json()["field"] == "cursor", (path, r.status_code)


def test_categories_and_their_slas_are_configurable(client, auth):
    cats = {c["code"]: c for c in client.get("/request-categories", headers=auth()).get_json()}
    assert {"school_enrollment", "financing", "recruitment", "legal", "medical", "policy", "other"} <= set(cats)
    sla = {p: {"response_days": "1", "resolution_days": "5"} for p in ("normal", "high", "urgent")}
    body = {"name_zh": "商会服务", "name_en": "Chamber services", "sla": sla}
    assert client.put("/request-categories/chamber", json=body, headers=auth()).status_code == 403
    assert client.put("/request-categories/chamber", json=body, headers=auth(("admin",))).status_code == 200
    partial = {**body, "sla": {"normal": sla["normal"]}}
    assert client.put("/request-categories/chamber", json=partial, headers=auth(("admin",))).status_code == 422
