"""Policy and theory education over the API, on SQLite and PostgreSQL: a town's editor publishes
materials and assigns them with a quiz; members study and answer through member tokens; completion
by unit counts them; and the attacks: a member reading another's records or the right answers, a
member's token on staff endpoints, another unit's staff, bad input (problem+json, nothing written)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from chassis.work_calendar import CST
from servicedesk.adapters.education_tables import assignments, materials, quiz_attempts, study_tasks
from services.servicedesk.tests.api.test_requests import events
from services.servicedesk.tests.conftest import COUNTY, HOME_A, HOME_B, TOWN_A
from tests.support.people import person_event
from tests.support.tokens import ISSUER

HOME_A2 = "370783001002"
QUIZ = [
    {"text": "统一战线是党的什么法宝？", "options": ["重要法宝", "一般工作"], "answer": [0]},
    {"text": "以下哪些属于统战对象？", "options": ["民主党派成员", "无党派人士", "外国游客"], "answer": [0, 1]},
]
RIGHT, HALF = [[0], [0, 1]], [[0], [0]]


def member(person_id: str, unit: str = HOME_A) -> dict:
    token = ISSUER.issue(f"kc-{person_id}", ["member"], unit, person_id=person_id)
    return {"Authorization": f"Bearer {token}"}


def tables(desk) -> dict[str, int]:
    with desk.engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (materials, assignments, study_tasks, quiz_attempts)
        }


def is_problem(r, status: int) -> bool:
    body = r.get_json() or {}
    return r.status_code == status and r.mimetype == "application/problem+json" and "title" in body


@pytest.fixture
def town(people):
    people(
        person_event("m1", unit=HOME_A),
        person_event("m2", unit=HOME_A2),
        person_event("m3", unit=HOME_A),
        person_event("gone", unit=HOME_A, status="archived"),
        person_event("far", unit=HOME_B),
    )


def publish_material(client, auth, unit=TOWN_A, **extra) -> str:
    body = {"kind": "article", "category": "theory", "title": "学习新时代统一战线理论", "body": "全文……",
            "unit_code": unit, **extra}  # fmt: skip
    made = client.post("/education/materials", json=body, headers=auth(unit=unit))
    assert made.status_code == 201 and made.get_json()["state"] == "draft", made.get_json()
    mid = made.get_json()["id"]
    assert client.post(f"/education/materials/{mid}/publish", headers=auth(unit=unit)).status_code == 200
    return mid


def assign(client, auth, material_ids, unit=TOWN_A, due=None, quiz=QUIZ) -> dict:
    due = due or (dt.datetime.now(CST).date() + dt.timedelta(days=7)).isoformat()
    body = {"title": "十一月理论学习", "unit_code": unit, "material_ids": material_ids, "due_on": due, "quiz": quiz,
            "pass_mark": 100}  # fmt: skip
    r = client.post("/education/assignments", json=body, headers=auth(unit=unit))
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_materials_assigned_studied_answered_and_counted_by_unit(client, auth, desk, town):
    county_video = publish_material(client, auth, unit=COUNTY, kind="video", body=None, url="https://v.example/1")
    article = publish_material(client, auth)
    made = assign(client, auth, [article, county_video])
    aid = made["id"]
    assert made["members_assigned"] == 3  # m1, m3 in HOME_A, m2 in HOME_A2: not the archived one, not town B's
    (published,) = events(desk, "study_assignment.published.v1")
    assert published[1]["members_assigned"] == 3 and published[1]["material_count"] == 2

    mine = client.get(f"/education/my/assignments/{aid}", headers=member("m1")).get_json()
    assert [m["id"] for m in mine["materials"]] == [article, county_video]
    assert mine["questions"][1] == {"text": QUIZ[1]["text"], "options": QUIZ[1]["options"], "multiple": True}
    assert "answer" not in str(mine)  # the right answers never reach a member

    # m1 studies, fails once, passes; a resent submission is recorded once
    assert client.post(f"/education/my/assignments/{aid}/study", json={"minutes": 30}, headers=member("m1")).json[
        "studied"
    ]
    first = client.post(
        f"/education/my/assignments/{aid}/attempts",
        json={"submission_id": "m1-attempt-1", "answers": HALF},
        headers=member("m1"),
    )
    assert first.status_code == 201 and (first.json["score"], first.json["passed"]) == (50, False)
    second = {"submission_id": "m1-attempt-2", "answers": RIGHT}
    passed = client.post(f"/education/my/assignments/{aid}/attempts", json=second, headers=member("m1"))
    again = client.post(f"/education/my/assignments/{aid}/attempts", json=second, headers=member("m1"))
    assert passed.json == again.json
    assert (passed.json["score"], passed.json["attempts"], passed.json["completed"]) == (100, 2, True)
    reused = {"submission_id": "m1-attempt-2", "answers": HALF}
    assert is_problem(client.post(f"/education/my/assignments/{aid}/attempts", json=reused, headers=member("m1")), 409)
    # m2 passes first and studies afterwards: completed when both are done
    client.post(
        f"/education/my/assignments/{aid}/attempts",
        json={"submission_id": "m2-attempt-1", "answers": RIGHT},
        headers=member("m2", HOME_A2),
    )
    assert client.get("/education/my/assignments", headers=member("m2", HOME_A2)).json[0]["completed_at"] is None
    client.post(f"/education/my/assignments/{aid}/study", json={"minutes": 20}, headers=member("m2", HOME_A2))
    completed = events(desk, "study_assignment.completed.v1")
    assert sorted((d["person_id"], d["unit_code"], d["on_time"], d["score"]) for _, d in completed) == [
        ("m1", HOME_A, True, 100),
        ("m2", HOME_A2, True, 100),
    ]

    page = client.get(f"/education/assignments/{aid}/completion", headers=auth(unit=TOWN_A)).json
    assert page["total"] == {"unit_code": TOWN_A, "assigned": 3, "studied": 2, "passed": 2, "completed": 2,
                             "overdue": 0, "rate": 66}  # fmt: skip
    assert [(r["unit_code"], r["assigned"], r["completed"]) for r in page["items"]] == [(HOME_A, 2, 1), (HOME_A2, 1, 1)]
    first_page = client.get(f"/education/assignments/{aid}/completion?limit=1", headers=auth(unit=TOWN_A)).json
    rest = client.get(
        f"/education/assignments/{aid}/completion?limit=1&cursor={first_page['next_cursor']}", headers=auth(unit=TOWN_A)
    ).json
    assert [r["unit_code"] for r in first_page["items"] + rest["items"]] == [HOME_A, HOME_A2]
    assert rest["next_cursor"] is None
    # a community sees its own part only
    home = client.get(f"/education/assignments/{aid}/completion", headers=auth(unit=HOME_A2)).json
    assert [r["unit_code"] for r in home["items"]] == [HOME_A2] and home["total"]["assigned"] == 1
    sheet = client.get(f"/education/assignments/{aid}/completion.xlsx", headers=auth(unit=TOWN_A))
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[1] == (HOME_A, 2, 1, 1, 1, 0, 50) and rows[-1][1:] == (3, 2, 2, 2, 0, 66)


def test_overdue_counts_members_not_done_after_the_due_day(client, auth, desk, town):
    aid = assign(client, auth, [publish_material(client, auth)], quiz=[])["id"]
    client.post(f"/education/my/assignments/{aid}/study", json={"minutes": 5}, headers=member("m1"))  # no quiz: done
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=9)
    desk.clock = lambda: later
    total = client.get(f"/education/assignments/{aid}/completion", headers=auth(unit=TOWN_A)).json["total"]
    assert (total["completed"], total["overdue"]) == (1, 2)
    assert client.get("/education/my/assignments", headers=member("m3")).json[0]["overdue"] is True
    client.post(f"/education/my/assignments/{aid}/study", json={"minutes": 5}, headers=member("m3"))
    (late,) = [d for _, d in events(desk, "study_assignment.completed.v1") if d["person_id"] == "m3"]
    assert late["on_time"] is False and late["score"] is None


def test_withdrawn_materials_leave_the_members_view_and_cannot_be_assigned(client, auth, desk, town):
    mid = publish_material(client, auth)
    aid = assign(client, auth, [mid])["id"]
    assert client.post(f"/education/materials/{mid}/withdraw", headers=auth(unit=TOWN_A)).json["state"] == "withdrawn"
    assert client.get(f"/education/my/assignments/{aid}", headers=member("m1")).json["materials"] == []
    moved = client.post(f"/education/materials/{mid}/publish", headers=auth(unit=TOWN_A))
    assert is_problem(moved, 409) and moved.get_json()["allowed"] == []
    body = {"title": "任务", "unit_code": TOWN_A, "material_ids": [mid], "due_on": "2099-01-01"}
    assert is_problem(client.post("/education/assignments", json=body, headers=auth(unit=TOWN_A)), 422)


def test_a_session_staff_record_counts_as_study_and_leaves_the_quiz_to_the_member(client, auth, desk, town):
    mid = publish_material(client, auth)
    plain, quizzed = (assign(client, auth, [mid], quiz=q)["id"] for q in ([], QUIZ))
    community = auth(unit=HOME_A)
    for aid, completed in ((plain, 2), (quizzed, 0)):
        session = {"person_ids": ["m1", "m3", "m1"], "minutes": 90}
        r = client.post(f"/education/assignments/{aid}/study-sessions", json=session, headers=community)
        assert r.status_code == 201 and (r.json["recorded"], r.json["completed"]) == (2, completed), r.json
    assert client.get(f"/education/my/assignments/{quizzed}", headers=member("m1")).json["minutes_studied"] == 90
    assert len(events(desk, "study_assignment.completed.v1")) == 2
    before = tables(desk)
    # m2 lives in another community of the town: not the community worker's to record; nobody is written
    session = {"person_ids": ["m3", "m2"], "minutes": 30}
    wrong = client.post(f"/education/assignments/{plain}/study-sessions", json=session, headers=community)
    assert is_problem(wrong, 422)
    assert tables(desk) == before
    with desk.engine.connect() as conn:
        minutes = sa.select(study_tasks.c.minutes_studied).where(
            study_tasks.c.person_id == "m3", study_tasks.c.assignment_id == plain
        )
        assert conn.execute(minutes).scalar() == 90
