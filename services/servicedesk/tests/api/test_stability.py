"""Stability reports through the API on SQLite and PostgreSQL: reporting with the timeline, the
severe ones staged for public security with only their granted fields (never the category or who),
moves, scope (another unit's report is a 404), bad input refused with nothing written, the export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging

import pytest
import sqlalchemy as sa

from servicedesk.adapters.stability_tables import stability_exports, stability_reports, stability_timeline
from servicedesk.adapters.tables import outbox
from services.servicedesk.tests.conftest import HOME_A, HOME_B, TOWN_A, TOWN_B
from tests.support.people import person_event

SEVERE = "cn.tongxin.servicedesk.stability.severe_reported.v1"


def report_body(**extra) -> dict:
    return {
        "unit_code": HOME_A,
        "place": "圣城街道某村委会门前",
        "occurred_at": "2026-11-26T08:30:00+08:00",
        "category": "religious",
        "severity": "general",
        "summary": "村民因宗教活动场所用地问题聚集，王小明在场。",
        "person_ids": ["m1"],
        "others_count": 20,
        **extra,
    }


def counts(desk) -> tuple[int, ...]:
    with desk.engine.connect() as conn:
        return tuple(
            conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in (stability_reports, stability_timeline, outbox, stability_exports)
        )


def staged(desk) -> list[tuple[str, str, dict]]:
    with desk.engine.connect() as conn:
        rows = conn.execute(sa.select(outbox.c.event_type, outbox.c.key, outbox.c.payload).order_by(outbox.c.id))
        return [(t, k, json.loads(bytes(p))["data"]) for t, k, p in rows]


@pytest.fixture
def members(people):
    people(person_event("m1", unit=HOME_A, name="王小明"), person_event("m2", unit=HOME_B, name="李华"))


@pytest.fixture
def town_a(auth):
    return auth(unit=TOWN_A)


def test_a_general_report_is_received_with_its_timeline_and_shared_with_nobody(client, desk, members, town_a, caplog):
    caplog.set_level(logging.DEBUG)
    r = client.post("/stability-reports", json=report_body(), headers=town_a)
    assert r.status_code == 201, r.get_json()
    got = r.get_json()
    assert got["state"] == "received" and got["people_involved"] == 21 and got["shared_at"] is None
    assert got["allowed_moves"] == ["handle", "close"] and got["category"] == "religious"
    assert dt.datetime.fromisoformat(got["occurred_at"]) == dt.datetime(2026, 11, 26, 0, 30, tzinfo=dt.UTC)
    assert [(e["action"], e["to_state"], e["actor"]) for e in got["timeline"]] == [("report", "received", "clerk1")]
    assert staged(desk) == []  # nothing leaves for a report that is not severe
    assert "religious" not in caplog.text and "宗教" not in caplog.text


def test_a_severe_report_is_staged_for_public_security_with_only_where_when_how_many_and_the_summary(
    client, desk, members, town_a
):
    body = report_body(severity="severe", police_summary="村委会门前约20人聚集，联系人电话13812345678")
    r = client.post("/stability-reports", json=body, headers=town_a)
    assert r.status_code == 201, r.get_json()
    report = r.get_json()
    ((event_type, key, data),) = staged(desk)
    assert event_type == SEVERE and key == report["id"]
    assert set(data) == {"report_id", "unit_code", "occurred_at", "reported_at", "people_involved", "summary"}
    assert data["people_involved"] == 21 and data["unit_code"] == HOME_A
    assert "13812345678" not in data["summary"] and data["summary"] == report["police_summary"]
    assert report["shared_at"] is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"severity": "severe"}, "police_summary"),  # severe without a summary for the police
        ({"category": "riot"}, "category"),
        ({"severity": "urgent"}, "severity"),
        ({"unit_code": "37078300100"}, "unit_code"),
        ({"unit_code": HOME_B}, "unit_code"),  # another town's unit
        ({"occurred_at": "2099-01-01T00:00:00+08:00"}, "occurred_at"),
        ({"occurred_at": "2026-11-26T08:30:00"}, "occurred_at"),  # no offset: ambiguous
        ({"occurred_at": "0001-01-01T00:00:00+08:00"}, "occurred_at"),  # would not even convert to UTC
        ({"person_ids": ["m2"]}, "person_ids"),  # a person of another town
        ({"person_ids": ["nobody"]}, "person_ids"),
        ({"others_count": -1}, "others_count"),
        ({"summary": ""}, "summary"),
    ],
)
def test_bad_input_is_a_problem_in_both_languages_and_writes_nothing(client, desk, members, town_a, change, field):
    r = client.post("/stability-reports", json=report_body(**change), headers=town_a)
    assert r.status_code == 422 and r.content_type == "application/problem+json", r.get_json()
    problem = r.get_json()
    assert problem["detail"] and problem["detail_en"] and field in json.dumps(problem)
    assert counts(desk) == (0, 0, 0, 0)


def test_another_units_report_is_a_404_to_read_and_to_move_and_never_listed(client, desk, members, auth, town_a):
    report_id = client.post("/stability-reports", json=report_body(), headers=town_a).get_json()["id"]
    before = counts(desk)
    town_b = auth(unit=TOWN_B)
    assert client.get(f"/stability-reports/{report_id}", headers=town_b).status_code == 404
    moved = client.post(f"/stability-reports/{report_id}/close", json={"note": "越权关闭"}, headers=town_b)
    assert moved.status_code == 404 and moved.content_type == "application/problem+json"
    assert client.get("/stability-reports", headers=town_b).get_json()["items"] == []
    assert client.get("/stability-reports/export", headers=town_b).get_json()["items"] == []
    assert counts(desk)[:3] == before[:3]
    viewer = auth(roles=("viewer",), unit=TOWN_A)  # the category is sensitive: not for every viewer
    assert client.get(f"/stability-reports/{report_id}", headers=viewer).status_code == 403
    county = auth(roles=("auditor",))
    assert client.get(f"/stability-reports/{report_id}", headers=county).status_code == 200


def test_staff_handle_then_close_with_a_note_and_illegal_moves_are_409(client, desk, members, town_a):
    report_id = client.post("/stability-reports", json=report_body(), headers=town_a).get_json()["id"]
    assert client.post(f"/stability-reports/{report_id}/handle", json={}, headers=town_a).status_code == 200
    again = client.post(f"/stability-reports/{report_id}/handle", json={}, headers=town_a)
    assert again.status_code == 409 and again.get_json()["allowed_moves"] == ["close"]
    no_note = client.post(f"/stability-reports/{report_id}/close", json={}, headers=town_a)
    assert no_note.status_code == 422 and no_note.content_type == "application/problem+json"
    closed = client.post(f"/stability-reports/{report_id}/close", json={"note": "已协调解决"}, headers=town_a)
    assert closed.status_code == 200
    got = closed.get_json()
    assert got["state"] == "closed" and got["closed_at"] is not None and got["allowed_moves"] == []
    assert [(e["action"], e["from_state"], e["to_state"]) for e in got["timeline"]] == [
        ("report", None, "received"),
        ("handle", "received", "handling"),
        ("close", "handling", "closed"),
    ]
    assert client.get("/stability-reports/nope/handle", headers=town_a).status_code == 405


def test_the_list_filters_and_pages_within_scope(client, members, auth, town_a):
    for severity in ("general", "serious", "general"):
        assert client.post("/stability-reports", json=report_body(severity=severity), headers=town_a).status_code == 201
    first = client.get("/stability-reports", query_string={"limit": 2}, headers=town_a).get_json()
    rest = client.get("/stability-reports", query_string={"limit": 2, "cursor": first["next_cursor"]}, headers=town_a)
    ids = [i["id"] for i in first["items"] + rest.get_json()["items"]]
    assert len(ids) == len(set(ids)) == 3 and rest.get_json()["next_cursor"] is None
    serious = client.get("/stability-reports", query_string={"severity": "serious"}, headers=town_a).get_json()
    assert [i["severity"] for i in serious["items"]] == ["serious"]
    for nonsense in ({"cursor": "bm90LWEtY3Vyc29y"}, {"since": "0001-01-01T00:00:00+08:00"}, {"unit": "3707"}):
        bad = client.get("/stability-reports", query_string=nonsense, headers=town_a)
        assert bad.status_code == 422 and bad.content_type == "application/problem+json", nonsense
    other_unit = client.get("/stability-reports", query_string={"unit": HOME_B}, headers=town_a).get_json()
    assert other_unit["items"] == []


def test_the_export_for_emergency_command_pages_counts_people_and_is_recorded(client, desk, members, town_a):
    client.post("/stability-reports", json=report_body(summary='=HYPERLINK("x") 聚集'), headers=town_a)
    client.post("/stability-reports", json=report_body(category="petition"), headers=town_a)
    page = client.get("/stability-reports/export", query_string={"limit": 1}, headers=town_a).get_json()
    assert page["format"] == "tongxin.stability-export.v1" and page["next_cursor"]
    (row,) = page["items"]
    assert "person_ids" not in row and row["people_involved"] == 21
    r = client.get(
        "/stability-reports/export",
        query_string={"format": "csv", "limit": 1, "cursor": page["next_cursor"]},
        headers=town_a,
    )
    assert r.status_code == 200 and r.mimetype == "text/csv" and "X-Next-Cursor" not in r.headers
    (line,) = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert line["summary"].startswith("'=")  # a spreadsheet shows it, never runs it
    assert line["report_id"] != row["report_id"]
    with desk.engine.connect() as conn:
        recorded = conn.execute(sa.select(stability_exports.c.actor, stability_exports.c.rows)).all()
    assert [tuple(r) for r in recorded] == [("clerk1", 1), ("clerk1", 1)]
    bad = client.get("/stability-reports/export", query_string={"format": "pdf"}, headers=town_a)
    assert bad.status_code == 422 and counts(desk)[3] == 2


def test_a_report_raised_to_severe_goes_to_public_security_then_and_severity_never_goes_down(
    client, desk, members, town_a
):
    report_id = client.post("/stability-reports", json=report_body(severity="serious"), headers=town_a).get_json()["id"]
    assert staged(desk) == []
    no_summary = client.post(f"/stability-reports/{report_id}/escalation", json={"severity": "severe"}, headers=town_a)
    assert no_summary.status_code == 422 and no_summary.content_type == "application/problem+json"
    assert staged(desk) == []
    lower = client.post(f"/stability-reports/{report_id}/escalation", json={"severity": "general"}, headers=town_a)
    assert lower.status_code == 409 and lower.get_json()["severity"] == "serious"
    body = {"severity": "severe", "police_summary": "聚集人数增至约百人", "note": "人数增加"}
    raised = client.post(f"/stability-reports/{report_id}/escalation", json=body, headers=town_a)
    assert raised.status_code == 200, raised.get_json()
    got = raised.get_json()
    assert got["severity"] == "severe" and got["shared_at"] is not None
    assert got["timeline"][-1]["action"] == "escalate" and got["timeline"][-1]["note"] == "serious → severe：人数增加"
    ((event_type, key, data),) = staged(desk)
    assert event_type == SEVERE and key == report_id and data["summary"] == "聚集人数增至约百人"
    again = client.post(f"/stability-reports/{report_id}/escalation", json=body, headers=town_a)
    assert again.status_code == 409 and len(staged(desk)) == 1  # shared once
