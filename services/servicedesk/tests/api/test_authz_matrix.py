"""The service desk's authorization matrix (``tests/support/authz_matrix.py``): every operation
x role x unit level, against a member, a request, a suggestion, a branch, an activity and a
charity project of town A; every list answer holds only rows of the caller's subtree (the
other county has its own of each); and bodies that name another county's volunteer, branch
or donor are refused and change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from servicedesk.bootstrap import bootstrap
from servicedesk.config import ServiceDeskSettings
from servicedesk.entrypoints.api.app import create_app
from servicedesk.service_layer.read_model import apply_person_event
from tests.support import authz_matrix as m
from tests.support.people import person_event
from tests.support.secrets import strong_secrets
from tests.support.tokens import ISSUER, trusted

TOWN_A = "370783001000"
OTHER_TOWN = "370782001000"
OTHER_BRANCH = {"code": "xb", "name": "外县医疗分团", "specialty": "义诊"}
LEVELS = {
    "own": TOWN_A,
    "parent": "370783000000",
    "child": "370783001001",
    "sibling": "370783002000",
    "other county": "370782001000",
}
EDITORS = ("editor",)
SLA = {p: {"response_days": "1", "resolution_days": "5"} for p in ("normal", "high", "urgent")}
REQUEST = {"person_id": "m1", "category": "school_enrollment", "title": "入学咨询", "description": "咨询入学办法。"}
ACTIVITY = {
    "kind": "free_clinic",
    "title": "义诊",
    "held_on": "2026-05-01",
    "unit_code": TOWN_A,
    "people_served": 30,
    "volunteers": [{"person_id": "m1", "hours": "3"}],
}
PROJECT = {"programme": "guangcai", "name": "助学项目", "unit_code": TOWN_A, "started_on": "2026-01-01"}
DONATION = {"donor_person_id": "m2", "kind": "money", "value_yuan": "1000.00", "donated_on": "2026-02-01"}


def listed(key: str, items: str | None = "items"):
    return lambda r, seed: any(i.get("id") == seed[key] for i in (r.get_json()[items] if items else r.get_json()))


def units_of(items: str | None = "items"):
    return lambda r: [i["unit_code"] for i in (r.get_json()[items] if items else r.get_json())]


MATRIX = {
    ("GET", "/requests"): m.Rule(
        lambda c, h, s: c.get("/requests", headers=h),
        levels=m.ANY_LEVEL,
        shows_object=listed("request"),
        listed_units=units_of(),
    ),
    ("POST", "/requests"): m.Rule(
        lambda c, h, s: c.post("/requests", json=REQUEST, headers=h), roles=EDITORS, ok=201, out_of_scope=422
    ),
    ("GET", "/requests/{request_id}"): m.Rule(lambda c, h, s: c.get(f"/requests/{s['request']}", headers=h)),
    ("POST", "/requests/{request_id}/{action}"): m.Rule(
        lambda c, h, s: c.post(f"/requests/{s['request']}/accept", json={}, headers=h), roles=EDITORS
    ),
    ("GET", "/request-categories"): m.Rule(lambda c, h, s: c.get("/request-categories", headers=h), levels=m.ANY_LEVEL),
    ("PUT", "/request-categories/{code}"): m.Rule(
        lambda c, h, s: c.put(
            "/request-categories/school_enrollment",
            json={"name_zh": "入学", "name_en": "School", "sla": SLA},
            headers=h,
        ),
        roles=("admin",),
        levels=frozenset({"parent"}),  # department-wide: county level only
        out_of_scope=403,
    ),
    ("GET", "/people/{person_id}"): m.Rule(lambda c, h, s: c.get("/people/m1", headers=h)),
    ("GET", "/suggestions"): m.Rule(
        lambda c, h, s: c.get("/suggestions", headers=h),
        levels=m.ANY_LEVEL,
        shows_object=listed("suggestion"),
        listed_units=units_of(),
    ),
    ("POST", "/suggestions"): m.Rule(
        lambda c, h, s: c.post(
            "/suggestions", json={"unit_code": TOWN_A, "topic": "建议", "content": "建议增加公交线路。"}, headers=h
        ),
        audience="public",
        ok=201,
    ),
    ("GET", "/suggestions/receipts/{receipt}"): m.Rule(
        lambda c, h, s: c.get(f"/suggestions/receipts/{s['receipt']}", headers=h), audience="public"
    ),
    ("GET", "/suggestions/{suggestion_id}"): m.Rule(
        lambda c, h, s: c.get(f"/suggestions/{s['suggestion']}", headers=h)
    ),
    ("POST", "/suggestions/{suggestion_id}/{action}"): m.Rule(
        lambda c, h, s: c.post(f"/suggestions/{s['suggestion']}/forward", json={"department": "交通局"}, headers=h),
        roles=EDITORS,
    ),
    ("GET", "/corps/branches"): m.Rule(lambda c, h, s: c.get("/corps/branches", headers=h), levels=m.ANY_LEVEL),
    ("POST", "/corps/branches"): m.Rule(
        lambda c, h, s: c.post(
            "/corps/branches",
            json={"code": "medical", "name": "医疗分团改", "specialty": "义诊", "unit_code": TOWN_A},
            headers=h,
        ),
        roles=("admin",),
        ok=201,
        out_of_scope=422,
    ),
    ("POST", "/corps/volunteers"): m.Rule(
        lambda c, h, s: c.post("/corps/volunteers", json={"person_id": "m2", "branch_code": "medical"}, headers=h),
        roles=EDITORS,
        ok=201,
        out_of_scope=422,
    ),
    ("GET", "/activities"): m.Rule(
        lambda c, h, s: c.get("/activities", headers=h),
        levels=m.ANY_LEVEL,
        shows_object=listed("activity"),
        listed_units=units_of(),
    ),
    ("POST", "/activities"): m.Rule(
        lambda c, h, s: c.post("/activities", json=ACTIVITY, headers=h), roles=EDITORS, ok=201, out_of_scope=422
    ),
    ("GET", "/activities/{activity_id}"): m.Rule(lambda c, h, s: c.get(f"/activities/{s['activity']}", headers=h)),
    ("GET", "/charity/projects"): m.Rule(
        lambda c, h, s: c.get("/charity/projects", headers=h),
        levels=m.ANY_LEVEL,
        shows_object=listed("project", items=None),
        listed_units=units_of(None),
    ),
    ("POST", "/charity/projects"): m.Rule(
        lambda c, h, s: c.post("/charity/projects", json=PROJECT, headers=h), roles=EDITORS, ok=201, out_of_scope=422
    ),
    ("GET", "/charity/projects/{project_id}"): m.Rule(
        lambda c, h, s: c.get(f"/charity/projects/{s['project']}", headers=h)
    ),
    ("POST", "/charity/projects/{project_id}/donations"): m.Rule(
        lambda c, h, s: c.post(f"/charity/projects/{s['project']}/donations", json=DONATION, headers=h),
        roles=EDITORS,
        ok=201,
    ),
    ("POST", "/charity/projects/{project_id}/beneficiaries"): m.Rule(
        lambda c, h, s: c.post(
            f"/charity/projects/{s['project']}/beneficiaries", json={"kind": "pupils_sponsored", "count": 3}, headers=h
        ),
        roles=EDITORS,
        ok=201,
    ),
    ("GET", "/statistics"): m.Rule(
        lambda c, h, s: c.get(
            "/statistics", query_string={"from": "2026-01-01", "to": "2026-12-31", "unit": TOWN_A}, headers=h
        ),
        out_of_scope=422,
    ),
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('authz') / 'servicedesk.db'}"
    desk = bootstrap(
        ServiceDeskSettings(
            database_url=url, kafka_bootstrap_servers="127.0.0.1:1", **strong_secrets(ServiceDeskSettings), **trusted()
        )
    )
    desk.migrate()
    with Session(desk.engine) as s, s.begin():
        for pid in ("m1", "m2"):
            apply_person_event(s, person_event(pid, unit=TOWN_A))
        apply_person_event(s, person_event("mx", unit=OTHER_TOWN))
    client = create_app(desk).test_client()
    town = {"Authorization": f"Bearer {ISSUER.issue('seed-admin', ['admin'], TOWN_A)}"}
    other = {"Authorization": f"Bearer {ISSUER.issue('other-admin', ['admin'], OTHER_TOWN)}"}

    def made(path, body, key="id", headers=town):
        r = client.post(path, json=body, headers=headers)
        assert r.status_code == 201, (path, r.get_json())
        return r.get_json()[key]

    made("/corps/branches", {"code": "medical", "name": "医疗分团", "specialty": "义诊", "unit_code": TOWN_A}, "code")
    made("/corps/volunteers", {"person_id": "m1", "branch_code": "medical"}, "person_id")
    # the other county's branch, volunteer, request, activity, project and suggestion: never listed here
    made("/corps/branches", {**OTHER_BRANCH, "unit_code": OTHER_TOWN}, "code", other)
    made("/corps/volunteers", {"person_id": "mx", "branch_code": OTHER_BRANCH["code"]}, "person_id", other)
    made("/requests", {**REQUEST, "person_id": "mx"}, headers=other)
    made("/activities", {**ACTIVITY, "unit_code": OTHER_TOWN, "volunteers": [{"person_id": "mx", "hours": "2"}]},
         headers=other)  # fmt: skip
    made("/charity/projects", {**PROJECT, "unit_code": OTHER_TOWN}, headers=other)
    client.post("/suggestions", json={"unit_code": OTHER_TOWN, "topic": "建议", "content": "外县建议。"})
    suggestion = client.post("/suggestions", json={"unit_code": TOWN_A, "topic": "建议", "content": "建议修路。"})
    seed = {
        "request": made("/requests", REQUEST),
        "activity": made("/activities", ACTIVITY),
        "project": made("/charity/projects", PROJECT),
        "suggestion": suggestion.get_json()["id"],
        "receipt": suggestion.get_json()["receipt_code"],
    }
    yield desk, client, seed
    desk.engine.dispose()


#: A town editor (or admin) entitled to each operation on its own objects, naming the other county's.
REFERENCES = [
    m.Reference(
        "hours credited to another county's volunteer",
        lambda c, h, s: c.post(
            "/activities", json={**ACTIVITY, "volunteers": [{"person_id": "mx", "hours": "24"}]}, headers=h
        ),
        "editor",
        refused=(422,),
    ),
    m.Reference(
        "an activity filed under another county's branch",
        lambda c, h, s: c.post("/activities", json={**ACTIVITY, "branch_code": "xb"}, headers=h),
        "editor",
        refused=(422,),
    ),
    m.Reference(
        "a volunteer enrolled in another county's branch",
        lambda c, h, s: c.post("/corps/volunteers", json={"person_id": "m2", "branch_code": "xb"}, headers=h),
        "editor",
        refused=(422,),
    ),
    m.Reference(
        "another county's branch taken over",
        lambda c, h, s: c.post("/corps/branches", json={**OTHER_BRANCH, "unit_code": TOWN_A}, headers=h),
        "admin",
        refused=(403,),
    ),
    m.Reference(
        "a donation attributed to another county's person",
        lambda c, h, s: c.post(
            f"/charity/projects/{s['project']}/donations",
            json={**DONATION, "donor_person_id": "mx", "value_yuan": "1000000.00"},
            headers=h,
        ),
        "editor",
        refused=(422,),
    ),
    m.Reference(
        "a request for another county's person",
        lambda c, h, s: c.post("/requests", json={**REQUEST, "person_id": "mx"}, headers=h),
        "editor",
        refused=(422,),
    ),
    m.Reference(
        "a project whose unit code ends in a newline",
        lambda c, h, s: c.post("/charity/projects", json={**PROJECT, "unit_code": TOWN_A + "\n"}, headers=h),
        "editor",
        refused=(422,),
    ),
]


def test_every_operation_has_a_rule(seeded):
    _, client, _ = seeded
    assert m.operations(client) == set(MATRIX)


def test_the_matrix(seeded):
    desk, client, seed = seeded
    calls, mismatches = m.run(client, desk.engine, seed, MATRIX, LEVELS)
    assert mismatches == [], "\n".join(map(str, mismatches))
    assert calls == len(MATRIX) * len(m.LEVEL_NAMES) * 7


def test_references_to_another_countys_objects_are_refused_and_change_nothing(seeded):
    desk, client, seed = seeded
    mismatches = m.run_references(client, desk.engine, seed, REFERENCES, LEVELS)
    assert mismatches == [], "\n".join(map(str, mismatches))
