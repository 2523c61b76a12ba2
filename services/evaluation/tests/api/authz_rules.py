"""The rule of every operation of the evaluation API for the authorization matrix
(``tests/support/authz_matrix.py``): who may call it from which unit level, and what the answer
may show. ``test_authz_matrix`` seeds the objects and runs it."""

from __future__ import annotations

from evaluation.domain.index import DEFAULT
from services.evaluation.tests.support import flat
from tests.support import authz_matrix as m

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


def lists(key: str):
    """The seeded object is among the items of a page."""
    return lambda r, seed: any(item.get("id") == seed[key] for item in r.get_json()["items"])


def item_units(field: str):
    return lambda r: [item[field] for item in r.get_json()["items"]]


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
    ("GET", "/meetings"): m.Rule(
        lambda c, h, s: c.get("/meetings?year=2026", headers=h),
        levels=m.ANY_LEVEL,
        shows_object=lists("meeting_id"),
        listed_units=item_units("scope_unit"),
    ),
    ("GET", "/decisions"): m.Rule(
        lambda c, h, s: c.get("/decisions?year=2026", headers=h),
        levels=m.ANY_LEVEL,
        shows_object=lists("decision_id"),
        listed_units=item_units("unit_code"),
    ),
    ("GET", "/violations"): m.Rule(
        lambda c, h, s: c.get("/violations", headers=h),
        roles=("evaluator", "reviewer"),  # a record of a breach of law is for those who act on evaluations
        levels=m.ANY_LEVEL,
        shows_object=lists("violation_id"),
        listed_units=item_units("unit_code"),
    ),
    ("GET", "/qualification-figures"): m.Rule(
        lambda c, h, s: c.get("/qualification-figures?year=2026", headers=h),
        levels=m.ANY_LEVEL,
        shows_object=lambda r, seed: r.get_json()["total"]["talks"] > 0,  # the seeded talk, counted
        listed_units=lambda r: [row["unit_code"] for row in r.get_json()["rows"]],
    ),
    ("GET", "/qualification-figures.xlsx"): m.Rule(
        lambda c, h, s: c.get("/qualification-figures.xlsx?year=2026", headers=h), levels=m.ANY_LEVEL
    ),
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
