"""The alerts task list on SQLite and PostgreSQL: a town sees its own and its communities' alerts,
open or cleared, a page at a time; acknowledging keeps who, when and the note; a notice's alert
names the notice only to evaluators; bad input and reaching outside the subtree are problems in
Chinese and English that change nothing."""

from __future__ import annotations

import base64
import json

import pytest
import sqlalchemy as sa

from chassis.contracts import servicedesk as sd
from services.supervision.tests.conftest import COUNTY, HOME_A, HOME_B, NOW, TOWN_A, TOWN_B
from services.supervision.tests.events import breach, notice, person_event, request, suggestion
from supervision.adapters.tables import alert_acknowledgements
from supervision.service_layer import alerting

NOV = "2026-11-10T02:00:00+00:00"


def seeded(sv, feed):
    """Town A: a suggestion of its community overdue, a notice on a person of it unhandled.
    Town B: a request resolved late this month (below target), and a suggestion answered."""
    feed(
        person_event("a1", unit=HOME_A, digest="da1".ljust(64, "0")),
        suggestion(sd.SUGGESTION_RECEIVED, "sa", HOME_A),
        notice("N-9", "da1".ljust(64, "0"), received_at="2026-10-01T02:00:00+00:00"),
        request(sd.REQUEST_RESOLVED, "rb", HOME_B, at=NOV),
        suggestion(sd.SUGGESTION_RECEIVED, "sb", HOME_B),
        suggestion(sd.SUGGESTION_ANSWERED, "sb", HOME_B, at=NOV),
        breach("rb", HOME_B, due="2026-11-05T02:00:00+00:00"),
    )
    alerting.evaluate(sv.uow, sv.scheme, NOW)


def listed(client, auth, roles=("viewer",), unit=COUNTY, **query):
    r = client.get("/alerts", query_string=query, headers=auth(roles=roles, unit=unit))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_a_town_sees_its_own_alerts_and_the_county_sees_all(sv, feed, client, auth):
    seeded(sv, feed)
    mine = listed(client, auth, unit=TOWN_A)
    assert sorted((a["rule"], a["unit_code"], a["subject"]) for a in mine["items"]) == [
        ("notice_unhandled", TOWN_A, None),  # at the town; the notice's id only to evaluators
        ("suggestion_unanswered", HOME_A, "sa"),
    ]
    assert {a["name_zh"] for a in mine["items"]} == {"违法违纪通报逾期未处理", "建言献策逾期未答复"}
    evaluator = listed(client, auth, roles=("evaluator",), unit=TOWN_A)
    assert "court/N-9" in [a["subject"] for a in evaluator["items"]]
    everything = listed(client, auth)
    assert sorted(a["unit_code"] for a in everything["items"]) == [TOWN_A, HOME_A, TOWN_B]
    assert listed(client, auth, unit=TOWN_B, state="cleared")["items"] == []


def test_a_towns_sla_alert_says_its_measure_and_target_in_words(sv, feed, client, auth):
    seeded(sv, feed)  # town B: 0 of 1 resolved in time
    (alert,) = listed(client, auth, unit=TOWN_B)["items"]
    assert (alert["rule"], alert["detail"]) == ("sla_below_target", "诉求按时办结率 0.00%，低于目标 95%")


def test_a_viewer_cannot_tell_from_the_alerts_which_community_has_a_notice(sv, feed, client, auth):
    # The community's notices figure is withheld from a viewer (test_assessments); its alerts must not
    # tell either: the notice's alert is the town's, and a community's list has none (review 22).
    seeded(sv, feed)
    viewer = auth(roles=("viewer",), unit=TOWN_A)
    answer = client.get("/assessments/2026-10", query_string={"unit": HOME_A}, headers=viewer).get_json()
    assert next(f for f in answer["figures"] if f["indicator"] == "notices_handled")["value"] is None
    of_the_town = listed(client, auth, unit=TOWN_A)["items"]
    assert [(a["unit_code"], a["subject"]) for a in of_the_town if a["rule"] == "notice_unhandled"] == [(TOWN_A, None)]
    assert [a["rule"] for a in listed(client, auth, unit=HOME_A)["items"]] == ["suggestion_unanswered"]


def test_pages_follow_each_other_without_gaps(sv, feed, client, auth):
    seeded(sv, feed)
    first = listed(client, auth, limit=2)
    second = listed(client, auth, limit=2, cursor=first["next_cursor"])
    assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next_cursor"] is None
    ids = [a["id"] for a in first["items"] + second["items"]]
    assert sorted(ids) == sorted(a["id"] for a in listed(client, auth)["items"])


def test_acknowledging_keeps_who_when_and_the_note_and_a_cleared_alert_moves_to_the_cleared_list(
    sv, feed, client, auth
):
    seeded(sv, feed)
    alert = next(a for a in listed(client, auth, unit=TOWN_A)["items"] if a["rule"] == "suggestion_unanswered")
    r = client.post(f"/alerts/{alert['id']}/acknowledge", json={"note": "已转交承办部门"},
                    headers=auth(roles=("editor",), unit=TOWN_A, sub="clerk7"))  # fmt: skip
    assert r.status_code == 200, r.get_json()
    (ack,) = r.get_json()["acknowledgements"]
    assert (ack["by_unit"], ack["note"], ack["at"][:19]) == (TOWN_A, "已转交承办部门", NOW.isoformat()[:19])
    with sv.engine.connect() as conn:
        assert conn.execute(sa.select(alert_acknowledgements.c.by_subject)).scalars().all() == ["clerk7"]

    feed(suggestion(sd.SUGGESTION_ANSWERED, "sa", HOME_A, at=NOV))
    alerting.evaluate(sv.uow, sv.scheme, NOW)
    cleared = listed(client, auth, unit=TOWN_A, state="cleared")["items"]
    assert [(a["id"], a["state"], len(a["acknowledgements"])) for a in cleared] == [(alert["id"], "cleared", 1)]
    again = client.post(f"/alerts/{alert['id']}/acknowledge", json={"note": "x"}, headers=auth(roles=("editor",)))
    assert again.status_code == 409 and again.get_json()["detail"]


def problem(r, status):
    assert r.status_code == status, r.get_json()
    body = r.get_json()
    assert r.mimetype == "application/problem+json" and body["title"]
    return body


def test_refusals_are_problems_and_change_nothing(sv, feed, client, auth):
    seeded(sv, feed)
    alert = next(a for a in listed(client, auth, unit=TOWN_A)["items"] if a["rule"] == "suggestion_unanswered")
    town_b = auth(roles=("editor",), unit=TOWN_B)
    url = f"/alerts/{alert['id']}/acknowledge"
    problem(client.post(url, json={"note": "越权"}, headers=town_b), 404)  # another town's alert
    problem(client.post("/alerts/no-such-alert/acknowledge", json={"note": "x"}, headers=town_b), 404)
    problem(client.post(url, json={"note": "只读"}, headers=auth(roles=("viewer",), unit=TOWN_A)), 403)
    problem(client.post(url, json={"note": "   "}, headers=auth(roles=("editor",), unit=TOWN_A)), 422)
    problem(client.post(url, json={"note": "x" * 501}, headers=auth(roles=("editor",), unit=TOWN_A)), 422)
    problem(client.post(url, json={}, headers=auth(roles=("editor",), unit=TOWN_A)), 422)
    problem(client.get("/alerts", query_string={"unit": COUNTY}, headers=auth(unit=TOWN_A)), 404)
    problem(client.get("/alerts", query_string={"state": "closed"}, headers=auth()), 422)
    problem(client.get("/alerts", query_string={"cursor": "bm9wZQ"}, headers=auth()), 422)
    with sv.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(alert_acknowledgements)).scalar() == 0


def cursor(*key):
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


# An instant at the calendar's edge with an offset that pushes it past year 9999 or before year 1 in
# UTC (OverflowError, not ValueError), or one with no zone at all (review 22).
@pytest.mark.parametrize("at", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "2026-11-20T02:00:00"])
def test_a_cursor_past_the_calendar_or_without_a_zone_is_a_problem(sv, feed, client, auth, at):
    seeded(sv, feed)
    body = problem(client.get("/alerts", query_string={"cursor": cursor(at, "x")}, headers=auth()), 422)
    assert (body["detail"], body["detail_en"]) == ("分页游标无效", "Invalid cursor")


@pytest.mark.parametrize("note", ["\u200b\u200b", " \u200d\ufeff\u3000", "\u3164", "\u2060\u00a0"])
def test_a_note_that_shows_nothing_is_refused_and_nothing_is_kept(sv, feed, client, auth, note):
    seeded(sv, feed)
    editor = auth(roles=("editor",), unit=COUNTY)
    alert = listed(client, auth, roles=("editor",))["items"][0]
    problem(client.post(f"/alerts/{alert['id']}/acknowledge", json={"note": note}, headers=editor), 422)
    with sv.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(alert_acknowledgements)).scalar() == 0
    kept = client.post(f"/alerts/{alert['id']}/acknowledge", json={"note": "\u200b已处理"}, headers=editor)
    assert kept.status_code == 200 and kept.get_json()["acknowledgements"][0]["note"] == "\u200b已处理"
