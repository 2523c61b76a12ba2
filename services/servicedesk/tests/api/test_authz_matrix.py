"""The service desk's authorization matrix (``tests/support/authz_matrix.py``): every operation
x role x unit level, against a member, a request, a suggestion, a branch, an activity, a charity
project, an offer, a matchmaking event and its outcome, and a stability report of town A; every
list answer holds only rows of the caller's subtree (the other county has its own of each); and bodies that name another
county's volunteer, branch, donor, request, participant or event are refused and change nothing."""

from __future__ import annotations

import pytest

from servicedesk.bootstrap import bootstrap
from servicedesk.config import ServiceDeskSettings
from servicedesk.entrypoints.api.app import create_app
from servicedesk.service_layer.read_model import apply_person_event
from services.servicedesk.tests.api.authz_rules import (
    ACTIVITY,
    ASSIGNMENT,
    DONATION,
    LEVELS,
    MATERIAL,
    MATRIX,
    MM_EVENT,
    OFFER,
    OTHER_BRANCH,
    OTHER_TOWN,
    OUTCOME,
    PROJECT,
    REQUEST,
    STABILITY,
    TOWN_A,
)
from tests.support import authz_matrix as m
from tests.support.people import person_event
from tests.support.secrets import strong_secrets
from tests.support.tokens import ISSUER, trusted


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('authz') / 'servicedesk.db'}"
    desk = bootstrap(
        ServiceDeskSettings(
            database_url=url, kafka_bootstrap_servers="127.0.0.1:1", **strong_secrets(ServiceDeskSettings), **trusted()
        )
    )
    desk.migrate()
    for pid in ("m1", "m2"):
        apply_person_event(desk.uow, person_event(pid, unit=TOWN_A))
    apply_person_event(desk.uow, person_event("mx", unit=OTHER_TOWN))
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
    other_request = made("/requests", {**REQUEST, "person_id": "mx"}, headers=other)
    made("/resources/offers", {**OFFER, "person_id": "mx", "visibility": "county"}, headers=other)
    other_event = made("/matchmaking/events", {**MM_EVENT, "unit_code": OTHER_TOWN}, headers=other)
    made(f"/matchmaking/events/{other_event}/outcomes", OUTCOME, headers=other)
    made("/activities", {**ACTIVITY, "unit_code": OTHER_TOWN, "volunteers": [{"person_id": "mx", "hours": "2"}]},
         headers=other)  # fmt: skip
    made("/charity/projects", {**PROJECT, "unit_code": OTHER_TOWN}, headers=other)
    made("/stability-reports", {**STABILITY, "unit_code": OTHER_TOWN, "person_ids": ["mx"]}, headers=other)
    client.post("/suggestions", json={"unit_code": OTHER_TOWN, "topic": "建议", "content": "外县建议。"})
    suggestion = client.post("/suggestions", json={"unit_code": TOWN_A, "topic": "建议", "content": "建议修路。"})
    seed = {
        **seed_education(client, town, other),
        "request": made("/requests", REQUEST),
        "activity": made("/activities", ACTIVITY),
        "project": made("/charity/projects", PROJECT),
        "stability": made("/stability-reports", STABILITY),
        "offer": made("/resources/offers", OFFER),
        "mm_event": (mm_event := made("/matchmaking/events", MM_EVENT)),
        "outcome": made(f"/matchmaking/events/{mm_event}/outcomes", OUTCOME),
        "other_request": other_request,
        "other_event": other_event,
        "suggestion": suggestion.get_json()["id"],
        "receipt": suggestion.get_json()["receipt_code"],
    }
    yield desk, client, seed
    desk.engine.dispose()


def seed_education(client, town, other) -> dict:
    """A published material and an assignment of town A (given to its two members), and the other county's."""
    seed = {}
    for headers, unit, key in ((other, OTHER_TOWN, "other_"), (town, TOWN_A, "")):
        material = client.post("/education/materials", json={**MATERIAL, "unit_code": unit}, headers=headers)
        seed[f"{key}material"] = material.get_json()["id"]
        assert client.post(f"/education/materials/{seed[key + 'material']}/publish", headers=headers).status_code == 200
        body = {**ASSIGNMENT, "unit_code": unit, "material_ids": [seed[f"{key}material"]]}
        assignment = client.post("/education/assignments", json=body, headers=headers)
        assert assignment.status_code == 201, assignment.get_json()
        seed[f"{key}assignment"] = assignment.get_json()["id"]
    return seed


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
        "a stability report naming another county's person",
        lambda c, h, s: c.post("/stability-reports", json={**STABILITY, "person_ids": ["mx"]}, headers=h),
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
        "an assignment of another county's material",
        lambda c, h, s: c.post(
            "/education/assignments", json={**ASSIGNMENT, "material_ids": [s["other_material"]]}, headers=h
        ),
        "editor",
        refused=(422,),
    ),
    m.Reference(
        "a study session recorded for another county's member",
        lambda c, h, s: c.post(
            f"/education/assignments/{s['assignment']}/study-sessions",
            json={"person_ids": ["m1", "mx"], "minutes": 60},
            headers=h,
        ),
        "editor",
        refused=(422,),
    ),
    m.Reference(
        "an offer published for another county's person",
        lambda c, h, s: c.post("/resources/offers", json={**OFFER, "person_id": "mx"}, headers=h),
        "editor",
        refused=(422,),
    ),
    m.Reference(
        "an offer linked to another county's corps branch",
        lambda c, h, s: c.post("/resources/offers", json={**OFFER, "branch_code": "xb"}, headers=h),
        "editor",
        refused=(422,),
    ),
    m.Reference(
        "an offer cited by another county's request",
        lambda c, h, s: c.post(
            f"/resources/offers/{s['offer']}/citations",
            json={"subject": "request", "subject_id": s["other_request"]},
            headers=h,
        ),
        "editor",
        refused=(422,),
    ),
    m.Reference(
        "another county's person named as a matchmaking participant",
        lambda c, h, s: c.post(
            "/matchmaking/events", json={**MM_EVENT, "participants": [{"role": "expert", "person_id": "mx"}]}, headers=h
        ),
        "editor",
        refused=(422,),
    ),
    m.Reference(
        "an outcome recorded on another county's event",
        lambda c, h, s: c.post(f"/matchmaking/events/{s['other_event']}/outcomes", json=OUTCOME, headers=h),
        "editor",
        refused=(404,),
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


def test_a_token_holding_no_staff_role_reaches_nothing_but_public_views(seeded):
    """A signed-in account whose roles were all withdrawn (the usual way to end someone's access), or
    a portal account missing its ``member`` role, holds a valid token with a unit claim and no staff
    role. The HTTP layer let such a token through (it refused only tokens holding ``member``), and the
    views that check scope but no role answered it: the offer directory with the names and person
    ids of the members the unit serves, an offer, matchmaking events. Every operation refuses it."""
    desk, client, seed = seeded
    before = m.Snapshot(desk.engine)
    roleless = {"Authorization": f"Bearer {ISSUER.issue('gone', ['default-roles-tongxin'], TOWN_A)}"}
    answered = []
    for (method, path), rule in MATRIX.items():
        if rule.audience == "public":
            continue
        r = rule.call(client, roleless, seed)
        if r.status_code != 403 or r.mimetype != "application/problem+json":
            answered.append((method, path, r.status_code))
    assert answered == []
    assert before.unchanged()
