"""The evaluation service's authorization matrix (``tests/support/authz_matrix.py``): every
operation x role x unit level, against rounds, meetings and violations of town A; and the
references that reach further: a veto that would recompute a round above the caller, an
agency's notice, a revocation of a county seat, people and rounds of a sibling or of
another county named in a body."""

from __future__ import annotations

import datetime as dt

import pytest

from evaluation.bootstrap import bootstrap
from evaluation.config import EvaluationSettings
from evaluation.entrypoints.api.app import create_app
from evaluation.service_layer import violations
from evaluation.service_layer.read_model import apply_person_event
from services.evaluation.tests.api.authz_rules import (
    BEFORE_ROUNDS,
    IN_ROUNDS,
    LEVELS,
    MATRIX,
    OTHER_COUNTY,
    PEOPLE,
    REVIEW,
    REVOKE,
    TOWN_A,
    round_body,
    violation,
)
from services.evaluation.tests.support import flat
from tests.support import authz_matrix as m
from tests.support.people import person_event
from tests.support.secrets import strong_secrets
from tests.support.tokens import ISSUER, trusted


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('authz') / 'evaluation.db'}"
    ev = bootstrap(
        EvaluationSettings(
            database_url=url, kafka_bootstrap_servers="127.0.0.1:1", **strong_secrets(EvaluationSettings), **trusted()
        )
    )
    ev.migrate()
    for pid, unit in PEOPLE.items():
        apply_person_event(ev.uow, person_event(pid, unit=unit))
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
    talk = {"person_id": "t2", "decision": "talk", "reason": "约谈提醒"}
    seed["decision_id"] = client.post(
        f"/meetings/{seed['round_meeting']}/decisions", json=talk, headers=town
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
    *(
        m.Reference(
            f"a list of a sibling town's {path}",
            lambda c, h, s, path=path: c.get(f"/{path}?year=2026&unit={LEVELS['sibling']}", headers=h),
            "evaluator",
            refused=(422,),
        )
        for path in ("meetings", "decisions", "violations", "qualification-figures", "qualification-figures.xlsx")
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
