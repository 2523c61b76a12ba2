"""Contacts (联系人) on each database: a representative's responsible cadre with its history,
follow-ups planned and closed, the task list, overdue counts, the reminder staged once; and a
cadre of another town can neither see nor change any of it, bad input changing nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from chassis.contracts.liaison import FOLLOW_UP_DUE
from registry.adapters.liaison_tables import follow_ups, responsible_cadres
from registry.adapters.tables import outbox
from registry.domain.liaison import today_in_china
from registry.service_layer.follow_up_reminders import remind_due
from services.registry.tests.support import COUNTY, DONGGUAN, SHENGCHENG, WENJIA_VILLAGE, XICHENG, count

CPPCC = [{"body": "cppcc", "level": "county", "title": "委员"}]
TOWN_CADRE = {"subject": "wang.li", "name": "王丽", "unit": SHENGCHENG}
OTHER_TOWN = "370783002000"  # 文家街道


@pytest.fixture
def representative(create):
    return lambda unit=DONGGUAN, **kw: create(
        unit_code=unit, representative_roles=CPPCC, vetting_basis="换届考察合格", **kw
    )["id"]


def assign(client, auth, pid, cadre=TOWN_CADRE, **kw):
    return client.put(f"/people/{pid}/cadre", json={"cadre": cadre, "reason": "分工调整"}, headers=auth(**kw))


def plan(client, auth, pid, days=3, note="回访了解企业融资需求", **kw):
    due = (today_in_china(dt.datetime.now(dt.UTC)) + dt.timedelta(days=days)).isoformat()
    return client.post(f"/people/{pid}/follow-ups", json={"due_on": due, "note": note}, headers=auth(**kw))


def problem(r, status):
    assert r.status_code == status, r.get_json()
    assert r.mimetype == "application/problem+json"
    return r.get_json()


def test_a_cadre_is_assigned_and_changed_and_the_earlier_one_stays_in_the_history(client, auth, representative):
    pid = representative()
    first = assign(client, auth, pid)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["current"]["cadre_subject"] == "wang.li"
    again = assign(client, auth, pid)  # the same cadre again changes nothing
    assert len(again.get_json()["history"]) == 1
    county = {"subject": "li.gang", "name": "李刚", "unit": COUNTY}
    changed = assign(client, auth, pid, county).get_json()
    assert changed["current"]["cadre_name"] == "李刚" and changed["current"]["assigned_by"] == "staff1"
    assert [c["cadre_subject"] for c in changed["history"]] == ["li.gang", "wang.li"]
    assert changed["history"][1]["ended_at"] is not None
    assert client.get(f"/people/{pid}/cadre", headers=auth(roles=["viewer"])).get_json() == changed


def test_a_cadre_of_another_unit_a_non_representative_or_bad_input_is_refused_and_nothing_changes(
    client, auth, registry, representative, create
):
    pid = representative()
    plain = create(unit_code=DONGGUAN, name="李娜")["id"]
    refusals = [
        (assign(client, auth, pid, {**TOWN_CADRE, "unit": OTHER_TOWN}), 422, "cadre.unit"),
        (assign(client, auth, pid, {**TOWN_CADRE, "unit": XICHENG}), 422, "cadre.unit"),  # a sibling community
        (assign(client, auth, pid, {**TOWN_CADRE, "unit": "370783001"}), 422, None),
        (assign(client, auth, pid, {"subject": "", "name": "王丽", "unit": SHENGCHENG}), 422, None),
        (assign(client, auth, plain), 422, "person_id"),
        (assign(client, auth, pid, roles=["viewer"]), 403, None),
    ]
    for r, status, field in refusals:
        body = problem(r, status)
        assert body["title"] and body.get("title_en"), body
        if field:
            assert body["field"] == field, body
    assert count(registry, responsible_cadres) == 0


def test_follow_ups_are_planned_listed_overdue_first_and_closed_once(client, auth, registry, representative):
    pid = representative()
    problem(plan(client, auth, pid), 409)  # no responsible cadre yet
    assign(client, auth, pid)
    problem(plan(client, auth, pid, days=-31), 422)
    problem(plan(client, auth, pid, days=367), 422)
    problem(plan(client, auth, pid, note=""), 422)
    assert count(registry, follow_ups) == 0
    later = plan(client, auth, pid, days=20).get_json()
    soon = plan(client, auth, pid, days=0).get_json()
    late = plan(client, auth, pid, days=-2).get_json()
    assert late["overdue"] and not soon["overdue"] and late["cadre"]["subject"] == "wang.li"

    mine = client.get("/follow-ups", query_string={"cadre": "wang.li"}, headers=auth(roles=["viewer"])).get_json()
    assert [t["id"] for t in mine["items"]] == [late["id"], soon["id"], later["id"]]
    me = auth(sub="wang.li", unit=SHENGCHENG)
    week = client.get("/follow-ups", query_string={"cadre": "me", "this_week": "true"}, headers=me).get_json()
    assert [t["id"] for t in week["items"]][:2] == [late["id"], soon["id"]]
    assert later["id"] not in [t["id"] for t in week["items"]]  # 20 days on lies beyond this Sunday

    closed = client.post(f"/follow-ups/{late['id']}/close", json={"state": "done", "outcome": "已对接银行"}, headers=me)
    assert closed.status_code == 200 and closed.get_json()["state"] == "done"
    assert closed.get_json()["closed_by"] == "wang.li" and not closed.get_json()["overdue"]
    problem(client.post(f"/follow-ups/{late['id']}/close", json={"state": "not_done", "outcome": "x"}, headers=me), 409)
    problem(client.post(f"/follow-ups/{soon['id']}/close", json={"state": "open", "outcome": "x"}, headers=me), 422)
    problem(client.post(f"/follow-ups/{soon['id']}/close", json={"state": "done"}, headers=me), 422)
    with registry.engine.connect() as conn:
        assert conn.execute(sa.select(follow_ups.c.state).where(follow_ups.c.id == soon["id"])).scalar() == "open"
    still = client.get("/follow-ups", headers=me).get_json()["items"]
    assert [t["id"] for t in still] == [soon["id"], later["id"]]
    done = client.get("/follow-ups", query_string={"state": "done"}, headers=me).get_json()["items"]
    assert [t["outcome"] for t in done] == ["已对接银行"]


def test_the_task_list_pages_with_a_cursor_and_refuses_a_bad_one(client, auth, representative):
    pid = representative()
    assign(client, auth, pid)
    planned = [plan(client, auth, pid, days=d).get_json()["id"] for d in (5, 1, 1, 9)]
    seen, cursor = [], None
    while True:
        args = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = client.get("/follow-ups", query_string=args, headers=auth()).get_json()
        seen += [t["id"] for t in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == [planned[1], planned[2], planned[0], planned[3]]
    problem(client.get("/follow-ups", query_string={"cursor": "not-a-cursor"}, headers=auth()), 422)
    problem(client.get("/follow-ups", query_string={"limit": 0}, headers=auth()), 422)
    problem(client.get("/follow-ups", query_string={"state": "lost"}, headers=auth()), 422)


def test_a_cadre_of_another_town_neither_sees_nor_changes_the_follow_ups(client, auth, registry, representative):
    pid = representative()
    assign(client, auth, pid)
    task = plan(client, auth, pid, days=-1).get_json()
    stranger = auth(sub="zhao.min", unit=OTHER_TOWN)
    before = {t: count(registry, t) for t in (follow_ups, responsible_cadres)}
    assert client.get("/follow-ups", headers=stranger).get_json()["items"] == []
    assert client.get("/follow-ups", query_string={"cadre": "wang.li"}, headers=stranger).get_json()["items"] == []
    problem(client.get("/follow-ups", query_string={"unit": SHENGCHENG}, headers=stranger), 422)
    problem(client.get(f"/people/{pid}/cadre", headers=stranger), 404)
    problem(assign(client, auth, pid, {**TOWN_CADRE, "subject": "zhao.min"}, sub="zhao.min", unit=OTHER_TOWN), 404)
    problem(plan(client, auth, pid, sub="zhao.min", unit=OTHER_TOWN), 404)
    close = client.post(f"/follow-ups/{task['id']}/close", json={"state": "done", "outcome": "x"}, headers=stranger)
    problem(close, 404)
    problem(client.get("/follow-ups/overdue-counts", query_string={"unit": SHENGCHENG}, headers=stranger), 422)
    assert client.get("/follow-ups/overdue-counts", headers=stranger).get_json()["overdue"] == 0
    assert {t: count(registry, t) for t in (follow_ups, responsible_cadres)} == before
    with registry.engine.connect() as conn:
        assert conn.execute(sa.select(follow_ups.c.state)).scalar() == "open"


def test_overdue_follow_ups_are_counted_by_child_unit(client, auth, representative):
    east, west, far = representative(), representative(XICHENG, name="刘洋"), representative(WENJIA_VILLAGE)
    for pid in (east, west, far):
        assign(client, auth, pid, {"subject": "li.gang", "name": "李刚", "unit": COUNTY})
    for pid, days in ((east, -3), (east, -1), (east, 4), (west, 0), (far, -5)):
        assert plan(client, auth, pid, days=days).status_code == 201
    town = client.get("/follow-ups/overdue-counts", query_string={"unit": SHENGCHENG}, headers=auth()).get_json()
    assert (town["open"], town["overdue"]) == (4, 2)
    assert [(r["unit_code"], r["unit_name"], r["open"], r["overdue"]) for r in town["rows"]] == [
        (DONGGUAN, "东关社区", 3, 2),
        (XICHENG, "西城社区", 1, 0),
    ]
    county = client.get("/follow-ups/overdue-counts", headers=auth()).get_json()
    assert {r["unit_code"]: r["overdue"] for r in county["rows"]} == {SHENGCHENG: 2, OTHER_TOWN: 1}


def test_a_follow_up_falling_due_is_reminded_once_with_references_only(client, auth, registry, representative):
    pid = representative()
    assign(client, auth, pid)
    due = plan(client, auth, pid, days=-1).get_json()
    plan(client, auth, pid, days=2)
    closed = plan(client, auth, pid, days=0).get_json()
    client.post(f"/follow-ups/{closed['id']}/close", json={"state": "not_done", "outcome": "本人外出"}, headers=auth())
    assert remind_due(registry.uow) == 1
    assert remind_due(registry.uow) == 0
    with registry.engine.connect() as conn:
        rows = conn.execute(sa.select(outbox).where(outbox.c.event_type == FOLLOW_UP_DUE)).mappings().all()
    assert len(rows) == 1 and rows[0]["key"] == pid and rows[0]["topic"] == "registry.liaison.v1"
    data = json.loads(rows[0]["payload"])["data"]
    assert data["follow_up_id"] == str(due["id"]) and data["cadre_subject"] == "wang.li"
    assert data["due_on"] == due["due_on"] and data["unit_code"] == DONGGUAN
    assert not {"note", "person_name", "cadre_name", "name"} & set(data)
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    assert remind_due(registry.uow, now=tomorrow) == 1  # the one planned two days on, when its day comes


def test_an_archived_persons_follow_ups_leave_the_lists_the_counts_and_the_reminders(
    client, auth, registry, representative
):
    pid = representative()
    assign(client, auth, pid)
    task = plan(client, auth, pid, days=-2).get_json()
    version = client.get(f"/people/{pid}", headers=auth()).headers["ETag"]
    archived = client.post(f"/people/{pid}/archive", json={"reason": "调离"}, headers=auth(**{"If-Match": version}))
    assert archived.status_code == 200, archived.get_json()
    assert client.get("/follow-ups", headers=auth()).get_json()["items"] == []
    assert client.get("/follow-ups/overdue-counts", headers=auth()).get_json()["overdue"] == 0
    assert remind_due(registry.uow) == 0
    problem(plan(client, auth, pid), 409)
    with registry.engine.connect() as conn:
        assert conn.execute(sa.select(follow_ups.c.state).where(follow_ups.c.id == task["id"])).scalar() == "open"


def test_a_person_who_left_the_role_leaves_the_lists_the_counts_and_the_reminders(
    client, auth, registry, representative
):
    """Contact work is with representatives: one whose seat ended (not re-elected, revoked) is no
    longer a task, an overdue figure or a reminder, and gets no new follow-up."""
    pid = representative()
    assign(client, auth, pid)
    plan(client, auth, pid, days=-2)
    version = client.get(f"/people/{pid}", headers=auth()).headers["ETag"]
    ended = client.put(
        f"/people/{pid}/representative-roles",
        json={"roles": [], "reason": "换届未连任"},
        headers=auth(**{"If-Match": version}),
    )
    assert ended.status_code == 200, ended.get_json()
    assert client.get("/follow-ups", headers=auth()).get_json()["items"] == []
    assert client.get("/follow-ups/overdue-counts", headers=auth()).get_json()["overdue"] == 0
    assert remind_due(registry.uow) == 0
    assert problem(plan(client, auth, pid), 422)["field"] == "person_id"
