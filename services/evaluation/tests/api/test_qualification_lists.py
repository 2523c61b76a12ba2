"""The qualification loop's lists and annual figures through the API, on SQLite and PostgreSQL:
a meeting's revocation (with the end of the lost qualification), warning and talk listed and
counted, each caller seeing only their subtree, and bad input refused with a problem that
changes nothing."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import sqlalchemy as sa

from chassis.work_calendar import CST
from evaluation.adapters.tables import decisions
from services.evaluation.tests.conftest import COUNTY, TOWN_A, TOWN_B
from services.evaluation.tests.support import events, rate_all

VIOLATION = {
    "case_reference": "(2026)鲁0783民初7号",
    "violation_type": "失信被执行人",
    "occurred_on": "2026-05-01",
    "authority": "寿光市人民法院",
    "evidence_ref": "裁定书 B-7",
}


def today() -> dt.date:
    return dt.datetime.now(CST).date()


@pytest.fixture
def decided(client, auth, opened):
    """p2 (town A) revoked until two years from now, p1 (town A) warned, p3 (town B) talked to."""
    rate_all(client, auth, opened, {"p1": (9, 9, [9]), "p2": (5, 5, [5]), "p3": (8, 8, [8])})
    assert client.post(f"/rounds/{opened}/close", headers=auth()).status_code == 200
    meeting = client.post(
        "/meetings",
        json={"title": "2026年联席评价会议", "held_on": "2026-12-20", "bodies": ["npc", "cppcc"], "round_id": opened},
        headers=auth(),
    ).get_json()
    url = f"/meetings/{meeting['id']}/decisions"
    until = today() + dt.timedelta(days=730)
    revoke = {"person_id": "p2", "decision": "revoke_membership_recommendation", "reason": "评价末位"}
    r = client.post(url, json={**revoke, "ineligible_until": until.isoformat()}, headers=auth())
    assert r.status_code == 201, r.get_json()
    for pid, kind in (("p1", "warning"), ("p3", "talk")):
        assert (
            client.post(
                url, json={"person_id": pid, "decision": kind, "reason": "履职不足"}, headers=auth()
            ).status_code
            == 201
        )
    return {"meeting": meeting, "revocation": r.get_json(), "until": until, "url": url}


def test_a_revocation_carries_the_end_of_the_lost_qualification(client, auth, decided, evaluation):
    assert decided["revocation"]["ineligible_until"] == decided["until"].isoformat()
    (revoked,) = [d for _, d in events(evaluation, "representative.qualification_revoked.v1")]
    assert (revoked["ineligible_until"], revoked["decision_id"]) == (
        decided["until"].isoformat(),
        decided["revocation"]["id"],
    )
    assert all("ineligible_until" not in d for _, d in events(evaluation, "representative.warned.v1"))


def test_the_lists_show_the_meeting_and_its_decisions(client, auth, decided, opened):
    (meeting,) = client.get("/meetings?year=2026&body=cppcc", headers=auth()).get_json()["items"]
    assert (meeting["id"], meeting["people_reviewed"], meeting["decision_count"]) == (decided["meeting"]["id"], 3, 3)
    assert client.get("/meetings?year=2025", headers=auth()).get_json()["items"] == []
    assert client.get("/meetings?body=discipline", headers=auth()).get_json()["items"] == []
    listed = client.get("/decisions?year=2026", headers=auth()).get_json()["items"]
    assert sorted((d["person_id"], d["decision"]) for d in listed) == [
        ("p1", "warning"),
        ("p2", "revoke_membership_recommendation"),
        ("p3", "talk"),
    ]
    (revoked,) = client.get("/decisions?outcome=revoked", headers=auth()).get_json()["items"]
    assert (revoked["person_id"], revoked["meeting_id"], revoked["held_on"]) == ("p2", meeting["id"], "2026-12-20")
    assert (revoked["ineligible_until"], revoked["ineligible_until_by_default"]) == (
        decided["until"].isoformat(),
        False,
    )
    assert [d["person_id"] for d in client.get(f"/decisions?unit={TOWN_B}", headers=auth()).get_json()["items"]] == [
        "p3"
    ]


def test_a_revocation_without_an_end_lists_the_term_the_registry_holds(client, auth, decided, evaluation):
    with evaluation.engine.begin() as conn:  # as a revocation decided before meetings could name an end
        conn.execute(decisions.update().where(decisions.c.decision.like("revoke%")).values(ineligible_until=None))
    (revoked,) = client.get("/decisions?outcome=revoke_membership_recommendation", headers=auth()).get_json()["items"]
    decided_on = dt.datetime.fromisoformat(revoked["decided_at"]).astimezone(dt.UTC).date()
    assert revoked["ineligible_until_by_default"] is True
    assert revoked["ineligible_until"] == decided_on.replace(year=decided_on.year + 5).isoformat()


def test_pages_follow_one_another_without_repeats(client, auth, decided):
    seen, cursor = [], None
    while True:
        page = client.get("/decisions", query_string={"limit": 1, **({"cursor": cursor} if cursor else {})},
                          headers=auth()).get_json()  # fmt: skip
        seen += [d["id"] for d in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 3


def test_the_annual_figures_count_by_unit(client, auth, decided):
    figures = client.get("/qualification-figures?year=2026", headers=auth()).get_json()
    rows = {r["unit_code"]: r for r in figures["rows"]}
    assert figures["unit"] == COUNTY and set(rows) == {COUNTY, TOWN_A, TOWN_B}
    assert rows[COUNTY]["meetings_held"] == 1 and rows[COUNTY]["decisions"] == 0
    assert (rows[TOWN_A]["people_reviewed"], rows[TOWN_A]["revoked"], rows[TOWN_A]["warnings"]) == (2, 1, 1)
    assert (rows[TOWN_B]["people_reviewed"], rows[TOWN_B]["talks"]) == (1, 1)
    assert figures["total"] == {
        "meetings_held": 1,
        "people_reviewed": 3,
        "decisions": 3,
        "retained": 0,
        "talks": 1,
        "warnings": 1,
        "revoked": 1,
    }
    assert client.get("/qualification-figures?year=2025", headers=auth()).get_json()["total"]["decisions"] == 0
    r = client.get("/qualification-figures.xlsx?year=2026", headers=auth())
    assert r.status_code == 200 and "qualification-figures-2026" in r.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(r.data)).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0][:3] == ["单位代码", "联席评价会议（次）", "评议人数"]
    assert table[-1] == ["合计", 1, 3, 3, 0, 1, 1, 1]


def test_a_town_sees_only_its_own_people_and_meetings(client, auth, decided):
    town_b = auth(unit=TOWN_B, sub="town-b", roles=("viewer",))
    assert client.get("/meetings", headers=town_b).get_json()["items"] == []  # the county's meeting
    assert [d["person_id"] for d in client.get("/decisions", headers=town_b).get_json()["items"]] == ["p3"]
    figures = client.get("/qualification-figures?year=2026", headers=town_b).get_json()
    assert figures["total"] == {**figures["total"], "meetings_held": 0, "people_reviewed": 1, "talks": 1, "revoked": 0}
    for path in (
        "/decisions",
        "/meetings",
        "/qualification-figures?year=2026",
        "/qualification-figures.xlsx?year=2026",
    ):
        sep = "&" if "?" in path else "?"
        r = client.get(f"{path}{sep}unit={TOWN_A}", headers=town_b)
        assert r.status_code == 422 and r.mimetype == "application/problem+json", path
        assert TOWN_A not in r.get_data(as_text=True).replace(f"unit={TOWN_A}", "")


def test_violations_are_listed_with_the_rounds_they_veto(client, auth, decided, opened):
    r = client.post("/people/p1/violations", json=VIOLATION, headers=auth())
    assert r.status_code == 201
    (listed,) = client.get("/violations?year=2026", headers=auth()).get_json()["items"]
    assert (listed["id"], listed["person_id"], listed["source"], listed["status"]) == (
        r.get_json()["id"],
        "p1",
        "staff",
        "in_force",
    )
    assert listed["rounds_vetoed"] == [opened]
    assert client.get("/violations?status=rescinded", headers=auth()).get_json()["items"] == []
    assert client.get("/violations?source=notice", headers=auth()).get_json()["items"] == []
    assert client.get("/violations", headers=auth(unit=TOWN_B, sub="town-b")).get_json()["items"] == []
    viewer = client.get("/violations", headers=auth(roles=("viewer",)))
    assert viewer.status_code == 403 and viewer.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "path",
    [
        "/meetings?year=abc",
        "/meetings?year=1999",
        "/meetings?body=police",
        "/meetings?unit=3707830010",
        "/meetings?limit=0",
        "/meetings?cursor=not-a-cursor",
        "/decisions?outcome=fired",
        "/decisions?unit=370782000000",
        "/decisions?cursor=WyJ4IiwgInkiXQ==",
        "/violations?status=open",
        "/violations?limit=201",
        "/qualification-figures",
        "/qualification-figures?year=20261",
        "/qualification-figures.xlsx?year=2026&unit=370782001000",
    ],
)
def test_bad_filters_are_refused_with_a_problem(client, auth, decided, path):
    r = client.get(path, headers=auth())
    body = r.get_json()
    assert r.status_code == 422 and r.mimetype == "application/problem+json", (path, r.status_code, body)
    assert body.get("detail") and body.get("detail_en")


def test_a_bad_end_of_the_lost_qualification_is_refused_and_changes_nothing(client, auth, decided, evaluation):
    later = today() + dt.timedelta(days=30)
    attempts = [
        ({"person_id": "p1", "decision": "revoke_recommendation_eligibility", "body": "npc"}, today(), "after"),
        ({"person_id": "p1", "decision": "revoke_recommendation_eligibility", "body": "npc"},
         today().replace(year=today().year + 5) + dt.timedelta(days=1), "at most 5 years"),
        ({"person_id": "p3", "decision": "warning", "body": "npc"}, later, "Only a revocation"),
    ]  # fmt: skip
    before = len(events(evaluation))
    for body, until, said in attempts:
        r = client.post(
            decided["url"],
            json={
                **body,
                "reason": "履职不力",
                "ineligible_until": until.isoformat(),
                "override_justification": "联席会议审议认定履职严重不力",
            },
            headers=auth(),
        )
        assert r.status_code == 422 and r.get_json()["field"] == "ineligible_until", r.get_json()
        assert said in r.get_json()["detail_en"] and r.get_json()["detail"]
    r = client.post(decided["url"], json={"person_id": "p1", "decision": "talk", "reason": "x" * 3,
                                          "ineligible_until": "2026-13-01"}, headers=auth())  # fmt: skip
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert len(events(evaluation)) == before
    with evaluation.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(decisions)).scalar() == 3


@pytest.mark.parametrize("held_on", ["0206-12-20", "1999-12-31", "2101-01-01"])
def test_a_meeting_held_in_a_year_no_list_can_ask_for_is_refused(client, auth, decided, held_on):
    """A mistyped year (0206 for 2026) made a meeting no year's list or figures would ever show."""
    meeting = {"title": "联席评价会议", "held_on": held_on, "bodies": ["cppcc"]}
    r = client.post("/meetings", json=meeting, headers=auth())
    assert r.status_code == 422 and r.mimetype == "application/problem+json", r.get_json()
    assert r.get_json()["errors"][0]["field"] == "held_on"
    assert "2000" in r.get_json()["detail"] and "2000" in r.get_json()["detail_en"]
    assert [m["id"] for m in client.get("/meetings", headers=auth()).get_json()["items"]] == [decided["meeting"]["id"]]
