"""Attacks on policy and theory education, on SQLite and PostgreSQL: a member reading another's
records or the right answers, a member's token on staff endpoints and a staff token on the member's,
another unit's staff, and bad input (a bilingual problem+json that writes nothing)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from servicedesk.adapters.education_tables import study_tasks
from services.servicedesk.tests.api.test_education import (
    RIGHT,
    assign,
    is_problem,
    member,
    publish_material,
    tables,
    town,
)
from services.servicedesk.tests.conftest import HOME_A, HOME_B, TOWN_A, TOWN_B
from tests.support.tokens import ISSUER

__all__ = ["town"]  # the fixture, shared with the use-case tests


def test_a_member_reaches_only_their_own_study(client, auth, desk, town):
    aid = assign(client, auth, [publish_material(client, auth)])["id"]
    before = tables(desk)
    outsider = member("far", HOME_B)  # not given the assignment: a 404, as for one that does not exist
    assert is_problem(client.get(f"/education/my/assignments/{aid}", headers=outsider), 404)
    attempt = {"submission_id": "far-attempt-1", "answers": RIGHT}
    assert is_problem(client.post(f"/education/my/assignments/{aid}/attempts", json=attempt, headers=outsider), 404)
    assert client.get("/education/my/assignments", headers=outsider).json == []
    # a member's token on staff endpoints: the quiz with its answers, the completion, another's person
    for path in (f"/education/assignments/{aid}", f"/education/assignments/{aid}/completion", "/people/m3",
                 "/education/materials", "/requests"):  # fmt: skip
        assert is_problem(client.get(path, headers=member("m1")), 403), path
    # a member token without a person id, or a staff token, on the member's endpoints
    no_person = {"Authorization": f"Bearer {ISSUER.issue('kc-x', ['member'], HOME_A)}"}
    assert is_problem(client.get("/education/my/assignments", headers=no_person), 403)
    assert is_problem(client.get("/education/my/assignments", headers=auth(roles=("admin",))), 403)
    bad_claim = {"Authorization": f"Bearer {ISSUER.issue('kc-y', ['member'], HOME_A, person_id=['m1'])}"}
    assert is_problem(client.get("/education/my/assignments", headers=bad_claim), 401)
    assert tables(desk) == before


def test_other_units_staff_cannot_reach_or_act(client, auth, desk, town):
    draft = client.post(
        "/education/materials",
        json={"kind": "article", "category": "policy", "title": "草稿", "body": "正文", "unit_code": TOWN_A},
        headers=auth(unit=TOWN_A),
    ).json["id"]
    published = publish_material(client, auth)
    aid = assign(client, auth, [published])["id"]
    before = tables(desk)
    neighbour = auth(unit=TOWN_B)
    reads = [f"/education/materials/{draft}", f"/education/materials/{published}", f"/education/assignments/{aid}"]
    reads += [f"/education/assignments/{aid}/completion", f"/education/assignments/{aid}/completion.xlsx"]
    for path in reads:
        assert is_problem(client.get(path, headers=neighbour), 404), path
    assert is_problem(client.post(f"/education/materials/{published}/withdraw", headers=neighbour), 404)
    # below the town: reads the published material, not the draft, and cannot withdraw it
    below = auth(unit=HOME_A)
    assert client.get(f"/education/materials/{published}", headers=below).status_code == 200
    assert is_problem(client.get(f"/education/materials/{draft}", headers=below), 404)
    assert is_problem(client.post(f"/education/materials/{published}/withdraw", headers=below), 403)
    assert draft not in [m["id"] for m in client.get("/education/materials", headers=below).json["items"]]
    # the neighbour cannot assign town A's material, nor assign to town A
    other = {"title": "越权", "unit_code": TOWN_B, "material_ids": [published], "due_on": "2099-01-01"}
    assert is_problem(client.post("/education/assignments", json=other, headers=neighbour), 422)
    into_a = {**other, "unit_code": TOWN_A}
    assert is_problem(client.post("/education/assignments", json=into_a, headers=neighbour), 422)
    assert is_problem(client.post("/education/materials/x/publish", headers=auth(roles=("viewer",))), 403)
    assert tables(desk) == before


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/education/materials", {"kind": "video", "category": "theory", "title": "视频", "url": "http://x",
                                  "unit_code": TOWN_A}, "url"),
        ("/education/materials", {"kind": "article", "category": "theory", "title": "文章",
                                  "unit_code": TOWN_A}, "body"),
        ("/education/materials", {"kind": "poster", "category": "theory", "title": "海报",
                                  "unit_code": TOWN_A}, "kind"),
        ("/education/assignments", {"title": "任务", "unit_code": TOWN_A, "material_ids": ["nope"],
                                    "due_on": "2099-01-01"}, "material_ids"),
        ("/education/assignments", {"title": "任务", "unit_code": TOWN_A, "material_ids": ["{mid}"],
                                    "due_on": "2020-01-01"}, "due_on"),
        ("/education/assignments", {"title": "任务", "unit_code": TOWN_A, "material_ids": ["{mid}"],
                                    "due_on": "2099-01-01", "quiz": [{"text": "题目", "options": ["甲", "乙"],
                                                                      "answer": [2]}]}, "quiz"),
        ("/education/assignments", {"title": "任务", "unit_code": TOWN_A, "material_ids": ["{mid}"],
                                    "due_on": "2099-01-01", "pass_mark": 101}, "pass_mark"),
    ],
)  # fmt: skip
def test_bad_input_is_a_bilingual_problem_and_writes_nothing(client, auth, desk, town, path, body, field):
    mid = publish_material(client, auth)
    body = {k: ([mid] if v == ["{mid}"] else v) for k, v in body.items()}
    before = tables(desk)
    r = client.post(path, json=body, headers=auth(unit=TOWN_A))
    assert is_problem(r, 422), r.get_json()
    assert field in str(r.get_json()) and r.get_json()["title"]
    assert tables(desk) == before


def test_bad_attempts_and_study_are_refused(client, auth, desk, town):
    aid = assign(client, auth, [publish_material(client, auth)])["id"]
    before = tables(desk)
    url = f"/education/my/assignments/{aid}"
    for body in ({"submission_id": "short", "answers": RIGHT}, {"submission_id": "abcdefgh1", "answers": [[0]]},
                 {"submission_id": "abcdefgh2", "answers": [[0], [7]]}, {"submission_id": "abcdefgh3"}):  # fmt: skip
        assert is_problem(client.post(f"{url}/attempts", json=body, headers=member("m1")), 422), body
    assert is_problem(client.post(f"{url}/study", json={"minutes": 0}, headers=member("m1")), 422)
    assert is_problem(client.post(f"{url}/study", json={"minutes": 601}, headers=member("m1")), 422)
    assert is_problem(client.get("/education/materials?cursor=%%%", headers=auth()), 422)
    assert tables(desk) == before
    with desk.engine.connect() as conn:
        minutes = sa.select(study_tasks.c.minutes_studied).where(study_tasks.c.person_id == "m1")
        assert conn.execute(minutes).scalar() == 0


def test_a_staff_token_that_also_holds_member_is_refused_the_members_endpoints(client, auth, desk, town):
    """A cadre who is also on the registry, signed in with staff roles and ``member`` in one token,
    read the quiz with its right answers on the staff view and answered it as the member of the
    token's ``person_id`` (anyone's, the staff's scope aside): a 100 and a completion counted for
    the supervision. The member's endpoints take a member's token only; staff views stay staff's."""
    aid = assign(client, auth, [publish_material(client, auth)])["id"]
    before = tables(desk)
    both = ISSUER.issue("kc-cadre", ["editor", "member"], TOWN_A, person_id="m1")
    headers = {"Authorization": f"Bearer {both}"}
    assert client.get(f"/education/assignments/{aid}", headers=headers).status_code == 200  # staff, as before
    attempt = {"submission_id": "cadre-attempt-1", "answers": RIGHT}
    assert is_problem(client.post(f"/education/my/assignments/{aid}/attempts", json=attempt, headers=headers), 403)
    assert is_problem(client.post(f"/education/my/assignments/{aid}/study", json={"minutes": 5}, headers=headers), 403)
    assert is_problem(client.get("/education/my/assignments", headers=headers), 403)
    assert tables(desk) == before


def test_a_member_whose_record_was_archived_studies_no_more(client, auth, desk, town, people):
    """A member archived (or merged away) after an assignment kept a working portal token: they still
    read the materials and answered the quiz, and a completion went to the supervision's count, as
    staff could also record a session for them. Neither is possible once the record is not active."""
    from services.servicedesk.tests.api.test_requests import events
    from tests.support.people import person_event

    aid = assign(client, auth, [publish_material(client, auth)])["id"]
    people(person_event("m1", unit=HOME_A, version=2, status="archived"))
    before = tables(desk)
    attempt = {"submission_id": "archived-1", "answers": RIGHT}
    assert is_problem(client.post(f"/education/my/assignments/{aid}/study", json={"minutes": 5},
                                  headers=member("m1")), 403)  # fmt: skip
    assert is_problem(client.post(f"/education/my/assignments/{aid}/attempts", json=attempt, headers=member("m1")), 403)
    assert is_problem(client.get("/education/my/assignments", headers=member("m1")), 403)
    session = {"person_ids": ["m1"], "minutes": 60}
    r = client.post(f"/education/assignments/{aid}/study-sessions", json=session, headers=auth(unit=TOWN_A))
    assert is_problem(r, 422)
    assert tables(desk) == before and events(desk, "study_assignment.completed.v1") == []
    assert client.get("/education/my/assignments", headers=member("m3")).status_code == 200  # still active
