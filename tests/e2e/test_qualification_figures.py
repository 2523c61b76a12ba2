"""The qualification loop's lists and annual figures end to end, over Kafka: two CPPCC members the
registry announces reach evaluation, a joint meeting revokes one (naming the day the person may be
recommended again) and warns the other, the registry drops the revoked role, and the year's lists
and figures by unit count exactly that meeting, that revocation and that warning.

The meeting is held in 2024, a year no other scenario of the suite uses, so the figures are exact."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import openpyxl

from chassis.work_calendar import CST
from tests.e2e.conftest import COUNTY, HOME_A, HOME_B, TOWN_A, TOWN_B, new_person, wait_for

YEAR = 2024


def test_a_meeting_with_a_revocation_and_a_warning_is_counted_in_the_annual_figures(as_staff):
    registry, evaluation = as_staff("registry", ("editor",)), as_staff("evaluation", ("evaluator",))
    people = {}
    for unit in (HOME_A, HOME_B):
        r = registry.post("/people", json=new_person(unit=unit, roles=("cppcc",)))
        assert r.status_code == 201, r.text
        people[unit] = r.json()["id"]
    revoked, warned = people[HOME_A], people[HOME_B]
    for pid in people.values():
        wait_for(lambda p=pid: evaluation.get(f"/people/{p}").status_code == 200, 60, 0.3, "evaluation learns them")
    round_id = evaluation.post(
        "/rounds",
        json={"name": f"年度统计{uuid.uuid4().hex[:4]}", "starts_on": f"{YEAR}-01-01", "ends_on": f"{YEAR}-12-31"},
    ).json()["id"]
    for step in ("open", "close"):
        assert evaluation.post(f"/rounds/{round_id}/{step}").status_code == 200
    meeting = evaluation.post(
        "/meetings",
        json={"title": "年度联席评价会议", "held_on": f"{YEAR}-12-20", "bodies": ["cppcc"], "round_id": round_id},
    ).json()
    until = dt.datetime.now(CST).date() + dt.timedelta(days=3 * 365)
    decide = f"/meetings/{meeting['id']}/decisions"
    r = evaluation.post(decide, json={"person_id": revoked, "decision": "revoke_membership_recommendation",
                                      "reason": "履职不力", "ineligible_until": until.isoformat(),
                                      "override_justification": "联席会议审议认定履职严重不力"})  # fmt: skip
    assert r.status_code == 201, r.text
    assert (
        evaluation.post(decide, json={"person_id": warned, "decision": "warning", "reason": "缺席较多"}).status_code
        == 201
    )
    wait_for(lambda: registry.get(f"/people/{revoked}").json()["representative_roles"] == [], 60, 0.3,
             "the registry drops the revoked CPPCC role")  # fmt: skip
    assert [x["body"] for x in registry.get(f"/people/{warned}").json()["representative_roles"]] == ["cppcc"]

    (listed,) = evaluation.get("/meetings", params={"year": YEAR}).json()["items"]
    assert (listed["id"], listed["people_reviewed"], listed["decision_count"]) == (meeting["id"], 2, 2)
    (revocation,) = evaluation.get("/decisions", params={"year": YEAR, "outcome": "revoked"}).json()["items"]
    assert (revocation["person_id"], revocation["ineligible_until"]) == (revoked, until.isoformat())

    figures = evaluation.get("/qualification-figures", params={"year": YEAR}).json()
    assert figures["total"] == {"meetings_held": 1, "people_reviewed": 2, "decisions": 2, "retained": 0, "talks": 0,
                                "warnings": 1, "revoked": 1}  # fmt: skip
    rows = {row["unit_code"]: row for row in figures["rows"]}
    assert (rows[COUNTY]["meetings_held"], rows[TOWN_A]["revoked"], rows[TOWN_B]["warnings"]) == (1, 1, 1)
    sheet = evaluation.get("/qualification-figures.xlsx", params={"year": YEAR})
    assert sheet.status_code == 200
    table = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert list(table[-1]) == ["合计", 1, 2, 2, 0, 0, 1, 1]

    town_b = as_staff("evaluation", ("viewer",), TOWN_B)  # a town sees its own people's decisions only
    assert [d["person_id"] for d in town_b.get("/decisions", params={"year": YEAR}).json()["items"]] == [warned]
    assert town_b.get("/qualification-figures", params={"year": YEAR, "unit": TOWN_A}).status_code == 422
