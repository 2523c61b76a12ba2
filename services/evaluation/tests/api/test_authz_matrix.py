"""The evaluation service's authorization matrix (``tests/support/authz_matrix.py``): every
operation x role x unit level, against rounds, meetings and violations of town A; and the
references that reach further: a veto that would recompute a round above the caller, an
agency's notice, a revocation of a county seat, people and rounds of a sibling or of
another county named in a body."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from evaluation.bootstrap import bootstrap
from evaluation.config import EvaluationSettings
from evaluation.domain.index import DEFAULT
from evaluation.entrypoints.api.app import create_app
from evaluation.service_layer import violations
from evaluation.service_layer.read_model import apply_person_event
from services.evaluation.tests.support import flat
from tests.support import authz_matrix as m
from tests.support.people import person_event
from tests.support.secrets import strong_secrets
from tests.support.tokens import ISSUER, trusted

TOWN_A = "370783001000"
OTHER_COUNTY = "370782000000"
LEVELS = {
    "own": TOWN_A,
    "parent": "370783000000",
    "child": "370783001001",
    "sibling": "370783002000",
    "other county": "370782001000",
}
#: t1, t2 in town A, tc in its community, ts in a sibling town, tx in another county.
PEOPLE = {"t1": TOWN_A, "t2": TOWN_A, "tc": "370783001001", "ts": "370783002001", "tx": "370782001001"}
EVALUATORS = ("evaluator",)
READ_ABOVE = frozenset({"own", "parent", "child"})  # a round is readable from the units below it
ACT_ON_ROUND = {"child": 403}  # ... but only its own unit and those above act on it


def round_body(**extra) -> dict:
    return {"name": "镇级评价", "scope_unit": TOWN_A, "starts_on": "2026-01-01", "ends_on": "2026-12-31", **extra}


def shows(key: str):
    return lambda r, seed: any(item.get("id") == seed[key] for item in r.get_json())


def violation(on: str) -> dict:
    return {
        "case_reference": "(2026)001",
        "violation_type": "违纪",
        "occurred_on": on,
        "authority": "纪委",
        "evidence_ref": "档案-1",
    }


#: Violations the matrix itself records fall before every seeded round: they recompute nothing.
BEFORE_ROUNDS, IN_ROUNDS = "2025-06-01", "2026-03-01"
REVOKE = {"person_id": "t1", "decision": "revoke_membership_recommendation", "body": "cppcc", "reason": "履职不力"}


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
        listed_units=lambda r: [item["scope_unit"] for item in r.get_json()],
        lists_above=True,
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
            database_url=url, kafka_bootstrap_servers="127.0.0.1:1", **strong_secrets(EvaluationSettings), **trusted()
        )
    )
    ev.migrate()
    with Session(ev.engine) as s, s.begin():
        for pid, unit in PEOPLE.items():
            apply_person_event(s, person_event(pid, unit=unit))
    client = create_app(ev).test_client()

    def as_(role, sub):
        return {"Authorization": f"Bearer {ISSUER.issue(sub, [role], TOWN_A)}"}

    town, first = as_("evaluator", "seed-judge"), as_("reviewer", "seed-reviewer")
    # vetoes recorded before the rounds exist: the rounds pick them up when scoring closes
    in_rounds = {}
    for pid in ("t1", "tc"):
        r = client.post(f"/people/{pid}/violations", json=violation(IN_ROUNDS), headers=town)
        in_rounds[pid] = r.get_json()["id"]
    with ev.uow() as uow:
        agency_violation = violations.record(
            uow,
            person_id="t1",
            id_digest=None,
            case_reference="(2025)鲁0783刑初1号",
            violation_type="刑事",
            occurred_on=dt.date.fromisoformat(BEFORE_ROUNDS),
            authority="法院",
            recorded_by="agency:court",
            notice_id="N-1",
            agency="court",
        )
        uow.commit()

    def new_round(*steps, unit=TOWN_A):
        judge = {"Authorization": f"Bearer {ISSUER.issue('seed-judge', ['evaluator'], unit)}"}
        rid = client.post("/rounds", json=round_body(scope_unit=unit), headers=judge).get_json()["id"]
        for step, who in steps:
            assert client.post(f"/rounds/{rid}/{step}", headers=who or judge).status_code == 200, step
        return rid

    seed = {
        "open": new_round(("open", town)),
        "closed": new_round(("open", town), ("close", town)),
        "reviewed": new_round(("open", town), ("close", town), ("review", first)),
        "county_closed": new_round(("open", None), ("close", None), unit=LEVELS["parent"]),
        "sibling_open": new_round(("open", None), unit=LEVELS["sibling"]),
        "other_county_open": new_round(("open", None), unit=OTHER_COUNTY),
        "in_rounds": in_rounds,
        "agency_violation": agency_violation,
        "template": {
            "code": "town-index",
            "name": "镇级指标",
            "categories": [
                {"code": "c", "name": "综合", "weight": "1", "items": [{"code": "i", "name": "表现", "weight": "1"}]}
            ],
        },
        "violation": violation(BEFORE_ROUNDS),
        "meeting": {"title": "联席评价", "held_on": "2026-12-01", "bodies": ["cppcc"]},
        "decision": {"person_id": "t1", "decision": "talk", "reason": "约谈提醒"},
    }
    r = client.post(f"/rounds/{seed['open']}/tokens", json={"person_id": "t2", "source": "public"}, headers=town)
    seed["token"] = r.get_json()[0]["token"]
    seed["violation_id"] = client.post("/people/t1/violations", json=seed["violation"], headers=town).get_json()["id"]
    seed["meeting_id"] = client.post("/meetings", json=seed["meeting"], headers=town).get_json()["id"]
    seed["round_meeting"] = client.post(
        "/meetings", json={**seed["meeting"], "round_id": seed["closed"]}, headers=town
    ).get_json()["id"]
    yield ev, client, seed
    ev.engine.dispose()


#: Calls by an evaluator entitled to the operation whose body or effects reach beyond their scope.
REFERENCES = [
    m.Reference(
        "a town's staff veto would recompute the county's closed round (and the town's reviewed one)",
        lambda c, h, s: c.post("/people/t1/violations", json=violation(IN_ROUNDS), headers=h),
        "evaluator",
        refused=(403, 409),
    ),
    m.Reference(
        "a community's staff veto would recompute the town's rounds",
        lambda c, h, s: c.post("/people/tc/violations", json=violation(IN_ROUNDS), headers=h),
        "evaluator",
        refused=(403,),
        level="child",
    ),
    m.Reference(
        "a community rescinds a veto the town's rounds have applied",
        lambda c, h, s: c.post(f"/violations/{s['in_rounds']['tc']}/rescind", json={"reason": "撤销"}, headers=h),
        "evaluator",
        refused=(403,),
        level="child",
    ),
    m.Reference(
        "staff rescind an agency's notice",
        lambda c, h, s: c.post(f"/violations/{s['agency_violation']}/rescind", json={"reason": "撤销"}, headers=h),
        "evaluator",
        refused=(403,),
    ),
    m.Reference(
        "a revocation in a meeting tied to no round",
        lambda c, h, s: c.post(f"/meetings/{s['meeting_id']}/decisions", json=REVOKE, headers=h),
        "evaluator",
        refused=(422,),
    ),
    m.Reference(
        "a town round's meeting revokes a county CPPCC seat",
        lambda c, h, s: c.post(f"/meetings/{s['round_meeting']}/decisions", json=REVOKE, headers=h),
        "evaluator",
        refused=(403,),
    ),
    m.Reference(
        "a decision on a person of another county",
        lambda c, h, s: c.post(
            f"/meetings/{s['meeting_id']}/decisions", json={**REVOKE, "person_id": "tx", "decision": "talk"}, headers=h
        ),
        "evaluator",
    ),
    m.Reference(
        "a meeting on another county's round",
        lambda c, h, s: c.post("/meetings", json={**s["meeting"], "round_id": s["other_county_open"]}, headers=h),
        "evaluator",
    ),
    m.Reference(
        "a round whose scope is a unit code with a trailing newline",
        lambda c, h, s: c.post("/rounds", json=round_body(scope_unit=TOWN_A + "\n"), headers=h),
        "evaluator",
        refused=(422,),
    ),
    m.Reference(
        "an official rating for a sibling town's person in the town's round",
        lambda c, h, s: c.put(f"/rounds/{s['open']}/people/ts/official-rating", json=flat(7), headers=h),
        "evaluator",
    ),
    m.Reference(
        "rating tokens for another county's person in the town's round",
        lambda c, h, s: c.post(f"/rounds/{s['open']}/tokens", json={"person_id": "tx", "source": "public"}, headers=h),
        "evaluator",
    ),
    m.Reference(
        "a veto on another county's person",
        lambda c, h, s: c.post("/people/tx/violations", json=violation(BEFORE_ROUNDS), headers=h),
        "evaluator",
        refused=(404,),
    ),
]


def test_every_operation_has_a_rule(seeded):
    _, client, _ = seeded
    assert m.operations(client) == set(MATRIX)


def test_the_matrix(seeded):
    ev, client, seed = seeded
    calls, mismatches = m.run(client, ev.engine, seed, {**MATRIX, **REVIEW}, LEVELS)
    assert mismatches == [], "\n".join(map(str, mismatches))
    assert calls == len({**MATRIX, **REVIEW}) * len(m.LEVEL_NAMES) * 7


def test_references_beyond_the_scope_are_refused_and_change_nothing(seeded):
    ev, client, seed = seeded
    mismatches = m.run_references(client, ev.engine, seed, REFERENCES, LEVELS)
    assert mismatches == [], "\n".join(map(str, mismatches))


def test_the_county_may_still_act_where_the_town_may_not(seeded):
    """The references fail for scope, not for being impossible: at county level the same veto goes through."""
    ev, client, seed = seeded
    county = {"Authorization": f"Bearer {ISSUER.issue('county-judge', ['evaluator'], LEVELS['parent'])}"}
    snapshot = m.Snapshot(ev.engine)
    r = client.post(f"/violations/{seed['in_rounds']['tc']}/rescind", json={"reason": "复核撤销"}, headers=county)
    assert r.status_code == 409 and r.get_json()["round_state"] == "reviewed"  # the town's reviewed round stands
    r = client.post("/people/t2/violations", json=violation(BEFORE_ROUNDS), headers=county)
    assert r.status_code == 201
    snapshot.restore()
