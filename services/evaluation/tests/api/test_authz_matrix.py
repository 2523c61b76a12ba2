"""The evaluation service's authorization matrix (``tests/support/authz_matrix.py``): every
operation x role x unit level, against rounds, meetings and violations of town A."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from chassis.auth import TokenService
from evaluation.bootstrap import bootstrap
from evaluation.config import EvaluationSettings
from evaluation.domain.index import DEFAULT
from evaluation.entrypoints.api.app import create_app
from evaluation.service_layer.read_model import apply_person_event
from services.evaluation.tests.support import flat
from tests.support import authz_matrix as m
from tests.support.people import person_event
from tests.support.secrets import strong_secrets

TOWN_A = "370783001000"
LEVELS = {
    "own": TOWN_A,
    "parent": "370783000000",
    "child": "370783001001",
    "sibling": "370783002000",
    "other county": "370782001000",
}
EVALUATORS = ("evaluator",)
READ_ABOVE = frozenset({"own", "parent", "child"})  # a round is readable from the units below it
ACT_ON_ROUND = {"child": 403}  # ... but only its own unit and those above act on it


def round_body(**extra) -> dict:
    return {"name": "镇级评价", "scope_unit": TOWN_A, "starts_on": "2026-01-01", "ends_on": "2026-12-31", **extra}


def shows(key: str):
    return lambda r, seed: any(item.get("id") == seed[key] for item in r.get_json())


MATRIX = {
    ("GET", "/index-templates"): m.Rule(lambda c, h, s: c.get("/index-templates", headers=h), levels=m.ANY_LEVEL),
    ("POST", "/index-templates"): m.Rule(
        lambda c, h, s: c.post("/index-templates", json=s["template"], headers=h),
        roles=("admin",),
        levels=frozenset({"parent"}),  # department-wide: county level only (the other county's code is a town)
        ok=201,
        out_of_scope=403,
    ),
    ("GET", "/index-templates/{code}/{version}"): m.Rule(
        lambda c, h, s: c.get(f"/index-templates/{DEFAULT.code}/{DEFAULT.version}", headers=h), levels=m.ANY_LEVEL
    ),
    ("GET", "/rounds"): m.Rule(
        lambda c, h, s: c.get("/rounds", headers=h),
        levels=m.ANY_LEVEL,
        shows_object=shows("open"),
        visible_at=READ_ABOVE,
    ),
    ("POST", "/rounds"): m.Rule(
        lambda c, h, s: c.post("/rounds", json=round_body(), headers=h), roles=EVALUATORS, ok=201, out_of_scope=422
    ),
    ("GET", "/rounds/{round_id}"): m.Rule(lambda c, h, s: c.get(f"/rounds/{s['open']}", headers=h), levels=READ_ABOVE),
    ("POST", "/rounds/{round_id}/{action}"): m.Rule(
        lambda c, h, s: c.post(f"/rounds/{s['open']}/close", headers=h), roles=EVALUATORS, refused=ACT_ON_ROUND
    ),
    ("GET", "/rounds/{round_id}/report"): m.Rule(
        lambda c, h, s: c.get(f"/rounds/{s['closed']}/report", headers=h), levels=READ_ABOVE
    ),
    ("GET", "/rounds/{round_id}/report.xlsx"): m.Rule(
        lambda c, h, s: c.get(f"/rounds/{s['closed']}/report.xlsx", headers=h), levels=READ_ABOVE
    ),
    ("PUT", "/rounds/{round_id}/people/{person_id}/official-rating"): m.Rule(
        lambda c, h, s: c.put(f"/rounds/{s['open']}/people/t1/official-rating", json=flat(7), headers=h),
        roles=EVALUATORS,
        ok=201,
    ),
    ("POST", "/rounds/{round_id}/tokens"): m.Rule(
        lambda c, h, s: c.post(f"/rounds/{s['open']}/tokens", json={"person_id": "t1", "source": "public"}, headers=h),
        roles=EVALUATORS,
        ok=201,
    ),
    ("POST", "/rounds/{round_id}/token-sheet"): m.Rule(
        lambda c, h, s: c.post(
            f"/rounds/{s['open']}/token-sheet", json={"person_id": "t2", "source": "public"}, headers=h
        ),
        roles=EVALUATORS,
        ok=201,
    ),
    ("GET", "/rate/{token}"): m.Rule(lambda c, h, s: c.get(f"/rate/{s['token']}", headers=h), audience="public"),
    ("POST", "/rate/{token}"): m.Rule(
        lambda c, h, s: c.post(f"/rate/{s['token']}", json={**flat(6), "phone": "13900000009"}, headers=h),
        audience="public",
        ok=201,
    ),
    ("POST", "/people/{person_id}/violations"): m.Rule(
        lambda c, h, s: c.post("/people/t2/violations", json=s["violation"], headers=h), roles=EVALUATORS, ok=201
    ),
    ("POST", "/violations/{violation_id}/rescind"): m.Rule(
        lambda c, h, s: c.post(f"/violations/{s['violation_id']}/rescind", json={"reason": "复核撤销"}, headers=h),
        roles=EVALUATORS,
    ),
    ("POST", "/meetings"): m.Rule(
        lambda c, h, s: c.post("/meetings", json={**s["meeting"], "round_id": s["closed"]}, headers=h),
        roles=EVALUATORS,
        ok=201,
        refused=ACT_ON_ROUND,
    ),
    ("GET", "/meetings/{meeting_id}"): m.Rule(lambda c, h, s: c.get(f"/meetings/{s['meeting_id']}", headers=h)),
    ("POST", "/meetings/{meeting_id}/decisions"): m.Rule(
        lambda c, h, s: c.post(f"/meetings/{s['meeting_id']}/decisions", json=s["decision"], headers=h),
        roles=EVALUATORS,
        ok=201,
    ),
    ("GET", "/people/{person_id}"): m.Rule(lambda c, h, s: c.get("/people/t1", headers=h)),
}
#: The separated duty: reviewing and publishing (variants of the transition operation above).
REVIEW = {
    ("POST", "/rounds/{round_id}/review"): m.Rule(
        lambda c, h, s: c.post(f"/rounds/{s['closed']}/review", headers=h), roles=("reviewer",), refused=ACT_ON_ROUND
    ),
    ("POST", "/rounds/{round_id}/publish"): m.Rule(
        lambda c, h, s: c.post(f"/rounds/{s['reviewed']}/publish", headers=h), roles=("reviewer",), refused=ACT_ON_ROUND
    ),
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('authz') / 'evaluation.db'}"
    ev = bootstrap(
        EvaluationSettings(
            database_url=url, kafka_bootstrap_servers="127.0.0.1:1", **strong_secrets(EvaluationSettings)
        )
    )
    ev.migrate()
    with Session(ev.engine) as s, s.begin():
        for pid in ("t1", "t2"):
            apply_person_event(s, person_event(pid, unit=TOWN_A))
    client = create_app(ev).test_client()
    tokens = TokenService(ev.settings.jwt_secret, ev.settings.jwt_audience, ev.settings.jwt_issuer)

    def as_(role, sub):
        return {"Authorization": f"Bearer {tokens.issue(sub, [role], TOWN_A)}"}

    town, first = as_("evaluator", "seed-judge"), as_("reviewer", "seed-reviewer")

    def new_round(*steps):
        rid = client.post("/rounds", json=round_body(), headers=town).get_json()["id"]
        for step, who in steps:
            assert client.post(f"/rounds/{rid}/{step}", headers=who).status_code == 200, step
        return rid

    seed = {
        "open": new_round(("open", town)),
        "closed": new_round(("open", town), ("close", town)),
        "reviewed": new_round(("open", town), ("close", town), ("review", first)),
        "template": {
            "code": "town-index",
            "name": "镇级指标",
            "categories": [
                {"code": "c", "name": "综合", "weight": "1", "items": [{"code": "i", "name": "表现", "weight": "1"}]}
            ],
        },
        "violation": {
            "case_reference": "(2026)001",
            "violation_type": "违纪",
            "occurred_on": "2026-03-01",
            "authority": "纪委",
            "evidence_ref": "档案-1",
        },
        "meeting": {"title": "联席评价", "held_on": "2026-12-01", "bodies": ["cppcc"]},
        "decision": {"person_id": "t1", "decision": "talk", "reason": "约谈提醒"},
    }
    r = client.post(f"/rounds/{seed['open']}/tokens", json={"person_id": "t2", "source": "public"}, headers=town)
    seed["token"] = r.get_json()[0]["token"]
    seed["violation_id"] = client.post("/people/t1/violations", json=seed["violation"], headers=town).get_json()["id"]
    seed["meeting_id"] = client.post("/meetings", json=seed["meeting"], headers=town).get_json()["id"]
    yield ev, client, seed
    ev.engine.dispose()


def test_every_operation_has_a_rule(seeded):
    _, client, _ = seeded
    assert m.operations(client) == set(MATRIX)


def test_the_matrix(seeded):
    ev, client, seed = seeded
    calls, mismatches = m.run(client, ev.engine, ev.settings, seed, {**MATRIX, **REVIEW}, LEVELS)
    assert mismatches == [], "\n".join(map(str, mismatches))
    assert calls == len({**MATRIX, **REVIEW}) * len(m.LEVEL_NAMES) * 7
