"""Matchmaking on both databases: an event with participants, outcomes in exact fen with their
follow-up history, the year's figures by unit (JSON and .xlsx), completed charity projects in the
statistics; and every refusal a problem that changes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from servicedesk.adapters.community_tables import (
    matchmaking_events,
    matchmaking_participants,
    outcome_history,
    outcomes,
)
from servicedesk.adapters.tables import outbox, projects
from services.servicedesk.tests.api.test_requests import events
from services.servicedesk.tests.conftest import COUNTY, HOME_A, HOME_B, TOWN_A, TOWN_B
from tests.support.people import person_event

EVENT = {
    "kind": "bank_enterprise",
    "unit_code": HOME_A,
    "held_on": "2026-04-16",
    "title": "2026年银企对接会",
    "participants": [
        {"role": "enterprise", "organisation": "寿光蔬菜集团"},
        {"role": "bank", "organisation": "寿光农商银行"},
        {"role": "expert", "person_id": "fin"},
    ],
}
SIGNED = {"kind": "project_signed", "enterprise": "寿光蔬菜集团", "partner": "山东某投资公司",
          "amount_yuan": "15000000.05", "agreed_on": "2026-04-16"}  # fmt: skip
LOAN = {"kind": "loan_granted", "enterprise": "寿光 蔬菜集团", "partner": "寿光农商银行", "amount_yuan": "8000000.10",
        "agreed_on": "2026-05-02"}  # fmt: skip
PLACED = {"kind": "people_placed", "enterprise": "寿光种业公司", "people_placed": 12, "agreed_on": "2026-06-01"}


@pytest.fixture
def town(people):
    people(person_event("fin", unit=HOME_A, name="张金融"), person_event("law", unit=HOME_B, name="刘律师"))


def counted(desk):
    tables = (matchmaking_events, matchmaking_participants, outcomes, outcome_history, outbox)
    with desk.engine.connect() as conn:
        return [conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() for t in tables]


def problem(r, status):
    return r.status_code == status and r.content_type == "application/problem+json" and r.get_json()["detail_en"]


def held(client, auth):
    r = client.post("/matchmaking/events", json=EVENT, headers=auth(unit=TOWN_A))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def outcome(client, auth, event, body):
    r = client.post(f"/matchmaking/events/{event['id']}/outcomes", json=body, headers=auth(unit=TOWN_A))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def follow(client, auth, outcome_id, state, unit=TOWN_A):
    return client.post(f"/matchmaking/outcomes/{outcome_id}/state", json={"state": state}, headers=auth(unit=unit))


def test_outcomes_followed_up_and_counted_in_the_years_figures(client, auth, town, desk):
    event = held(client, auth)
    assert [p["name"] for p in event["participants"]] == [None, None, "张金融"]
    signed, loan = outcome(client, auth, event, SIGNED), outcome(client, auth, event, LOAN)
    assert outcome(client, auth, event, PLACED)["people_placed"] == 12
    lost = outcome(client, auth, event, {**SIGNED, "enterprise": "某化工企业", "amount_yuan": "99999.99"})
    assert signed["amount_yuan"] == "15000000.05" and signed["state"] == "agreed"
    for oid, state in [(signed["id"], "in_progress"), (signed["id"], "completed"), (lost["id"], "fallen_through")]:
        assert follow(client, auth, oid, state).status_code == 200
    refused = follow(client, auth, signed["id"], "in_progress")
    assert problem(refused, 409) and refused.get_json()["allowed"] == []
    assert problem(follow(client, auth, loan["id"], "completed", unit=TOWN_B), 404)
    shown = client.get(f"/matchmaking/events/{event['id']}", headers=auth(("viewer",), COUNTY)).get_json()
    history = next(o for o in shown["outcomes"] if o["id"] == signed["id"])["history"]
    assert [(h["from_state"], h["to_state"]) for h in history] == [
        (None, "agreed"),
        ("agreed", "in_progress"),
        ("in_progress", "completed"),
    ]
    figures = client.get("/matchmaking/figures", query_string={"year": 2026}, headers=auth(("viewer",), COUNTY))
    assert figures.status_code == 200, figures.get_json()
    f = figures.get_json()
    assert {k: f[k] for k in ("events_held", "enterprises_helped", "projects_signed", "signed_yuan", "loans_granted",
                              "loan_yuan", "people_placed", "outcomes_completed", "outcomes_fallen_through")} == {
        "events_held": 1,
        "enterprises_helped": 2,  # 寿光蔬菜集团 twice (once with a space), 寿光种业公司; not the one fallen through
        "projects_signed": 1,
        "signed_yuan": "15000000.05",
        "loans_granted": 1,
        "loan_yuan": "8000000.10",
        "people_placed": 12,
        "outcomes_completed": 1,
        "outcomes_fallen_through": 1,
    }  # fmt: skip
    assert [(u["unit_code"], u["projects_signed"]) for u in f["by_unit"]] == [(TOWN_A, 1)]
    assert "服务企业2家" in f["summary_zh"]
    assert client.get("/matchmaking/figures", query_string={"year": 2025},
                      headers=auth(unit=COUNTY)).get_json()["projects_signed"] == 0  # fmt: skip
    sheet = client.get("/matchmaking/figures.xlsx", query_string={"year": 2026, "unit": TOWN_A},
                       headers=auth(unit=TOWN_A))  # fmt: skip
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("单位代码", "对接活动（场）", "服务企业（家）", "签约项目（个）")
    assert rows[-1][0] == "合计" and rows[-1][4] == "15000000.05"
    sent = events(desk)
    assert [t for t, _ in sent].count("matchmaking.outcome_recorded.v1") == 4
    assert [d["state"] for t, d in sent if t == "matchmaking.outcome_changed.v1"] == [
        "in_progress",
        "completed",
        "fallen_through",
    ]
    assert next(d for t, d in sent if t == "matchmaking.outcome_recorded.v1")["amount_fen"] == 1_500_000_005


def test_a_participant_from_another_town_is_masked_for_the_towns_staff(client, auth, town):
    body = {**EVENT, "unit_code": TOWN_A, "participants": [{"role": "expert", "person_id": "law"}]}
    created = client.post("/matchmaking/events", json=body, headers=auth(unit=COUNTY))
    assert created.status_code == 201 and created.get_json()["participants"][0]["name"] == "刘律师"
    seen = client.get(f"/matchmaking/events/{created.get_json()['id']}", headers=auth(unit=TOWN_A)).get_json()
    assert seen["participants"][0]["name"] == "刘*师"
    # nor their registry id, as an offer's beyond the member's units: it tied the masked name to one person
    assert seen["participants"][0]["person_id"] is None and seen["participants"][0]["role"] == "expert"


def test_another_towns_staff_neither_see_nor_count_the_event(client, auth, town, desk):
    event = held(client, auth)
    outcome(client, auth, event, SIGNED)
    assert client.get(f"/matchmaking/events/{event['id']}", headers=auth(unit=TOWN_B)).status_code == 404
    assert client.get("/matchmaking/events", headers=auth(unit=TOWN_B)).get_json()["total"] == 0
    assert client.get("/matchmaking/events", headers=auth(unit=TOWN_A)).get_json()["total"] == 1
    assert client.get("/matchmaking/figures", query_string={"year": 2026},
                      headers=auth(unit=TOWN_B)).get_json()["projects_signed"] == 0  # fmt: skip
    assert problem(client.get("/matchmaking/figures", query_string={"year": 2026, "unit": TOWN_A},
                              headers=auth(unit=TOWN_B)), 422)  # fmt: skip
    before = counted(desk)
    assert problem(client.post(f"/matchmaking/events/{event['id']}/outcomes", json=SIGNED,
                               headers=auth(unit=TOWN_B)), 404)  # fmt: skip
    assert counted(desk) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount_yuan": 1500.5}, "amount_yuan"),  # a JSON number: a float on the way in
        ({"amount_yuan": "1.001"}, "amount_yuan"),
        ({"amount_yuan": "-100.00"}, "amount_yuan"),
        ({"amount_yuan": None}, "amount_yuan"),
        ({"kind": "people_placed", "people_placed": 3}, "amount_yuan"),  # people carry no amount
        ({"kind": "people_placed", "amount_yuan": None}, "people_placed"),
        ({"agreed_on": "2026-04-15"}, "agreed_on"),  # before the event
        ({"kind": "grant"}, "kind"),
    ],
)
def test_bad_outcomes_are_refused_and_change_nothing(client, auth, town, desk, change, field):
    event = held(client, auth)
    before = counted(desk)
    r = client.post(f"/matchmaking/events/{event['id']}/outcomes", json={**SIGNED, **change}, headers=auth(unit=TOWN_A))
    assert problem(r, 422) and field in str(r.get_json()), r.get_json()
    assert counted(desk) == before


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"unit_code": TOWN_B}, 422),
        ({"participants": [{"role": "expert", "person_id": "law"}]}, 422),  # another town's person
        ({"participants": [{"role": "bank", "organisation": "某银行", "person_id": "fin"}]}, 422),
        ({"participants": [{"role": "bank"}]}, 422),
        ({"participants": []}, 422),
        ({"kind": "lottery"}, 422),
    ],
)
def test_bad_events_are_refused_and_change_nothing(client, auth, town, desk, change, status):
    before = counted(desk)
    assert problem(client.post("/matchmaking/events", json={**EVENT, **change}, headers=auth(unit=TOWN_A)), status)
    assert problem(client.post("/matchmaking/events", json=EVENT, headers=auth(("viewer",), TOWN_A)), 403)
    assert counted(desk) == before


def test_a_completed_charity_project_counts_in_the_statistics(client, auth, desk):
    body = {"programme": "guangcai", "name": "光彩助学", "unit_code": TOWN_A, "started_on": "2026-01-10"}
    project = client.post("/charity/projects", json=body, headers=auth(unit=TOWN_A)).get_json()
    assert project["state"] == "ongoing"
    path = f"/charity/projects/{project['id']}/complete"
    assert problem(client.post(path, json={"completed_on": "2025-12-31"}, headers=auth(unit=TOWN_A)), 422)
    assert problem(client.post(path, json={}, headers=auth(unit=TOWN_B)), 404)
    done = client.post(path, json={"completed_on": "2026-10-01"}, headers=auth(unit=TOWN_A))
    assert done.status_code == 200 and (done.get_json()["state"], done.get_json()["completed_on"]) == (
        "completed",
        "2026-10-01",
    )
    assert problem(client.post(path, json={}, headers=auth(unit=TOWN_A)), 409)
    with desk.engine.connect() as conn:
        assert conn.execute(sa.select(projects.c.completed_by)).scalar() == "clerk1"
    year = {"from": "2026-01-01", "to": "2026-12-31"}
    assert client.get("/statistics", query_string=year, headers=auth()).get_json()["charity"]["projects_completed"] == 1
    stats = client.get("/statistics", query_string={**year, "unit": TOWN_B}, headers=auth()).get_json()
    assert stats["charity"]["projects_completed"] == 0


def test_a_completion_that_lost_the_race_is_a_409_not_the_winners_answer(client, auth, desk, monkeypatch):
    """Two staff complete the same project at once: both read it ongoing, one update wins. The loser
    answered 200 with the winner's date and name as if its own had been recorded."""
    from servicedesk.service_layer import charity

    body = {"programme": "guangcai", "name": "光彩助学", "unit_code": TOWN_A, "started_on": "2026-01-10"}
    project = client.post("/charity/projects", json=body, headers=auth(unit=TOWN_A)).get_json()
    path = f"/charity/projects/{project['id']}/complete"
    read = charity.project_in
    assert client.post(path, json={"completed_on": "2026-10-01"}, headers=auth(unit=TOWN_A)).status_code == 200
    calls = []

    def stale_then_fresh(*args):  # the loser read the project before the winner committed
        calls.append(1)
        return {**read(*args), "state": "ongoing"} if len(calls) == 1 else read(*args)

    monkeypatch.setattr(charity, "project_in", stale_then_fresh)
    lost = client.post(path, json={"completed_on": "2026-10-02"}, headers=auth(unit=TOWN_A, sub="clerk2"))
    assert problem(lost, 409)
    with desk.engine.connect() as conn:
        assert conn.execute(sa.select(projects.c.completed_on, projects.c.completed_by)).one() == (
            dt.date(2026, 10, 1),
            "clerk1",
        )
