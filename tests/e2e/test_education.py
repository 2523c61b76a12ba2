"""Policy and theory education end to end, over the platform's real broker: two members registered in
the registry reach the service desk as events; a town's editor publishes a material and assigns it with
a quiz to a community; both members study and pass through member tokens (as the portal will); the
service desk counts the community complete, and the supervision service, which learns it only from
``study_assignment.completed`` on ``servicedesk.v1``, counts two completions for the community and its
town in the month.

A community of its own (drawn at random from the county's, not the first ones the supervision test uses)
keeps the counts exact.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import uuid

from chassis.work_calendar import CST
from tests.e2e.conftest import TOWN_A, TOWN_B, Client, is_problem, service_url, wait_for
from tests.e2e.supervision_steps import figures_of, value
from tests.e2e.test_scenarios import register
from tests.support.infra import ROOT


def _a_community() -> tuple[str, str]:
    units = ROOT / "services" / "registry" / "src" / "registry" / "data" / "shouguang.csv"
    found: dict[str, list[str]] = {}
    for row in csv.DictReader(units.read_text(encoding="utf-8").splitlines()):
        if row["level"] == "village" and row["parent_code"] not in (TOWN_A, TOWN_B):
            found.setdefault(row["parent_code"], []).append(row["code"])
    town = random.choice(sorted(t for t, c in found.items() if len(c) >= 4))
    return town, sorted(found[town])[-1]


TOWN, COMMUNITY = _a_community()
QUIZ = [{"text": "统一战线是党的什么？", "options": ["重要法宝", "一般工作"], "answer": [0]}]


def test_an_assignment_studied_by_two_members_is_counted_by_unit(platform, as_staff, tokens):
    month = dt.datetime.now(CST).strftime("%Y-%m")
    registry = as_staff("registry", ("editor",))
    desk = as_staff("servicedesk", ("editor",), unit=TOWN, sub="e2e-town-editor")
    supervision = as_staff("supervision", ("viewer",))
    members = [register(registry, unit=COMMUNITY)["id"] for _ in range(2)]
    for pid in members:
        wait_for(lambda pid=pid: desk.get(f"/people/{pid}").status_code == 200, 60, 0.3, "the desk learns a member")

    material = desk.post("/education/materials", json={"kind": "article", "category": "theory", "title": "统战理论学习",
                                                       "body": "全文", "unit_code": TOWN}).json()["id"]  # fmt: skip
    assert desk.post(f"/education/materials/{material}/publish").json()["state"] == "published"
    due = (dt.datetime.now(CST).date() + dt.timedelta(days=7)).isoformat()
    made = desk.post(
        "/education/assignments",
        json={
            "title": "端到端学习",
            "unit_code": COMMUNITY,
            "due_on": due,
            "material_ids": [material],
            "quiz": QUIZ,
            "pass_mark": 100,
        },
    )
    assert made.status_code == 201, made.text
    aid = made.json()["id"]
    assert made.json()["members_assigned"] == 2

    def as_member(pid: str) -> Client:
        token = tokens.issue(f"e2e-member-{pid}", ["member"], COMMUNITY, person_id=pid, ttl=dt.timedelta(minutes=30))
        return Client(service_url(platform, "servicedesk"), {"Authorization": f"Bearer {token}"})

    for pid in members:
        member = as_member(pid)
        mine = member.get(f"/education/my/assignments/{aid}").json()
        assert mine["questions"] == [{"text": QUIZ[0]["text"], "options": QUIZ[0]["options"], "multiple": False}]
        assert member.post(f"/education/my/assignments/{aid}/study", json={"minutes": 25}).status_code == 200
        answered = member.post(f"/education/my/assignments/{aid}/attempts",
                               json={"submission_id": uuid.uuid4().hex, "answers": [[0]]})  # fmt: skip
        assert answered.status_code == 201 and answered.json()["completed"] is True
    assert is_problem(as_member(members[0]).get(f"/education/assignments/{aid}/completion"), 403)

    completion = desk.get(f"/education/assignments/{aid}/completion").json()
    assert [(r["unit_code"], r["assigned"], r["completed"], r["rate"]) for r in completion["items"]] == [
        (COMMUNITY, 2, 2, 100)
    ]

    def completions(unit: str):
        r = supervision.get(f"/assessments/{month}", params={"unit": unit})
        assert r.status_code == 200, r.text
        return value(figures_of(r.json())["study_completions"])

    wait_for(lambda: completions(COMMUNITY) == 2, 60, 0.5, "the supervision counts the completions")
    assert completions(TOWN) == 2
