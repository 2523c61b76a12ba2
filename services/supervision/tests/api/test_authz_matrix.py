"""The supervision's authorization matrix (``tests/support/authz_matrix.py``): every operation x
role x unit level against the figures of town A; lists (rankings, drill-down) hold only units of
the caller's subtree; reaching above or across the caller's subtree is refused as not found; and a
drill-down never names a person outside the caller's scope, even one whose request the caller's
unit handled."""

from __future__ import annotations

import pytest

from chassis.contracts import servicedesk as sd
from services.supervision.tests.conftest import NOW
from services.supervision.tests.events import activity, person_event, request, suggestion
from supervision.bootstrap import bootstrap
from supervision.config import SupervisionSettings
from supervision.entrypoints.api.app import create_app
from supervision.service_layer import alerting, view
from tests.support import authz_matrix as m
from tests.support.secrets import strong_secrets
from tests.support.tokens import ISSUER, trusted

TOWN_A, HOME_A, SIBLING, HOME_SIBLING = "370783001000", "370783001001", "370783002000", "370783002001"
OTHER_TOWN = "370782001000"
LEVELS = {"own": TOWN_A, "parent": "370783000000", "child": HOME_A, "sibling": SIBLING, "other county": OTHER_TOWN}
EVENTS = "/assessments/2026-10/indicators/requests_received/events"
#: Town A's own alert (a suggestion it received itself, unanswered) and one of another county.
ALERT_A, ALERT_X = "alert-town-a", "alert-other-county"


def units_of(r):
    return [i["unit_code"] for i in r.get_json()["items"]]


MATRIX = {
    ("GET", "/scheme"): m.Rule(lambda c, h, s: c.get("/scheme", headers=h), levels=m.ANY_LEVEL),
    ("GET", "/assessments/{month}"): m.Rule(
        lambda c, h, s: c.get("/assessments/2026-10", query_string={"unit": TOWN_A}, headers=h)
    ),
    ("GET", "/assessments/{month}/indicators/{indicator}/events"): m.Rule(
        lambda c, h, s: c.get(EVENTS, query_string={"unit": TOWN_A}, headers=h), listed_units=units_of
    ),
    ("GET", "/rankings/{month}"): m.Rule(
        lambda c, h, s: c.get("/rankings/2026-10", query_string={"within": TOWN_A}, headers=h), listed_units=units_of
    ),
    ("GET", "/assessments/{month}/report.xlsx"): m.Rule(
        lambda c, h, s: c.get("/assessments/2026-10/report.xlsx", query_string={"within": TOWN_A}, headers=h)
    ),
    ("GET", "/assessments/annual/{year}"): m.Rule(
        lambda c, h, s: c.get("/assessments/annual/2026", query_string={"unit": TOWN_A}, headers=h)
    ),
    ("GET", "/rankings/annual/{year}"): m.Rule(
        lambda c, h, s: c.get("/rankings/annual/2026", query_string={"within": TOWN_A}, headers=h),
        listed_units=units_of,
    ),
    ("GET", "/assessments/annual/{year}/report.xlsx"): m.Rule(
        lambda c, h, s: c.get("/assessments/annual/2026/report.xlsx", query_string={"within": TOWN_A}, headers=h)
    ),
    ("GET", "/alerts"): m.Rule(
        lambda c, h, s: c.get("/alerts", query_string={"unit": TOWN_A}, headers=h), listed_units=units_of
    ),
    ("POST", "/alerts/{alert_id}/acknowledge"): m.Rule(
        lambda c, h, s: c.post(f"/alerts/{ALERT_A}/acknowledge", json={"note": "已阅"}, headers=h), roles=("editor",)
    ),
}

#: Callers entitled to read their own unit's figures, reaching beyond their subtree.
REFERENCES = [
    m.Reference(
        "a town reading the county's figures",
        lambda c, h, s: c.get("/assessments/2026-10", query_string={"unit": "370783000000"}, headers=h),
        "viewer",
        refused=(404,),
    ),
    m.Reference(
        "a town ranking the county's towns",
        lambda c, h, s: c.get("/rankings/2026-10", query_string={"within": "370783000000"}, headers=h),
        "viewer",
        refused=(404,),
    ),
    m.Reference(
        "a town reading the county's year",
        lambda c, h, s: c.get("/assessments/annual/2026", query_string={"unit": "370783000000"}, headers=h),
        "viewer",
        refused=(404,),
    ),
    m.Reference(
        "a town ranking the county's towns by the year",
        lambda c, h, s: c.get("/rankings/annual/2026", query_string={"within": "370783000000"}, headers=h),
        "viewer",
        refused=(404,),
    ),
    m.Reference(
        "a town's report of the county's year",
        lambda c, h, s: c.get(
            "/assessments/annual/2026/report.xlsx", query_string={"within": "370783000000"}, headers=h
        ),
        "viewer",
        refused=(404,),
    ),
    m.Reference(
        "a town drilling into another county's events",
        lambda c, h, s: c.get(EVENTS, query_string={"unit": OTHER_TOWN}, headers=h),
        "admin",
        refused=(404,),
    ),
    m.Reference(
        "a town's report of the county's towns",
        lambda c, h, s: c.get("/assessments/2026-10/report.xlsx", query_string={"within": "370783000000"}, headers=h),
        "viewer",
        refused=(404,),
    ),
    m.Reference(
        "a town acknowledging another county's alert",
        lambda c, h, s: c.post(f"/alerts/{ALERT_X}/acknowledge", json={"note": "越权"}, headers=h),
        "editor",
        refused=(404,),
    ),
    m.Reference(
        "a town listing the county's alerts",
        lambda c, h, s: c.get("/alerts", query_string={"unit": "370783000000"}, headers=h),
        "viewer",
        refused=(404,),
    ),
    m.Reference(
        "a community reading its town's figures",
        lambda c, h, s: c.get("/assessments/2026-10", query_string={"unit": TOWN_A}, headers=h),
        "admin",
        refused=(404,),
        level="child",
    ),
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('authz') / 'supervision.db'}"
    sv = bootstrap(
        SupervisionSettings(
            database_url=url, kafka_bootstrap_servers="127.0.0.1:1", **strong_secrets(SupervisionSettings), **trusted()
        )
    )
    sv.clock = lambda: NOW  # the year 2026 has begun, whenever the test runs
    sv.migrate()
    for e in (person_event("a1", unit=HOME_A), person_event("s1", unit=HOME_SIBLING),
              person_event("x1", unit="370782001001")):  # fmt: skip
        view.apply_person_event(sv.uow, e)
    for e in (
        request(sd.REQUEST_OPENED, "ra", HOME_A, person="a1"),
        request(sd.REQUEST_OPENED, "rs", TOWN_A, person="s1"),  # a sibling's member, handled by town A
        request(sd.REQUEST_OPENED, "rx", "370782001001", person="x1"),
        activity("act-s", HOME_SIBLING, 40),
        activity("act-x", "370782001001", 40),
    ):
        view.record_fact(sv.uow, e)
    for suggestion_id, unit, alert_id in (("sg-a", TOWN_A, ALERT_A), ("sg-x", "370782001001", ALERT_X)):
        view.record_fact(sv.uow, suggestion(sd.SUGGESTION_RECEIVED, suggestion_id, unit))
        alerting.evaluate(sv.uow, sv.scheme, NOW, new_id=lambda alert_id=alert_id: alert_id)
    yield sv, create_app(sv).test_client()
    sv.engine.dispose()


def test_every_operation_has_a_rule(seeded):
    _, client = seeded
    assert m.operations(client) == set(MATRIX)


def test_the_matrix(seeded):
    sv, client = seeded
    calls, mismatches = m.run(client, sv.engine, {}, MATRIX, LEVELS)
    assert mismatches == [], "\n".join(map(str, mismatches))
    assert calls == len(MATRIX) * len(m.LEVEL_NAMES) * 7


def test_reaching_beyond_the_subtree_is_refused_and_changes_nothing(seeded):
    sv, client = seeded
    assert m.run_references(client, sv.engine, {}, REFERENCES, LEVELS) == []


def test_drill_down_names_only_people_in_the_callers_scope(seeded):
    _, client = seeded
    town = {"Authorization": f"Bearer {ISSUER.issue('a', ['viewer'], TOWN_A)}"}
    county = {"Authorization": f"Bearer {ISSUER.issue('c', ['viewer'], '370783000000')}"}
    rows = client.get(EVENTS, query_string={"unit": TOWN_A}, headers=town).get_json()["items"]
    assert sorted((r["unit_code"], r["person_id"]) for r in rows) == [(TOWN_A, None), (HOME_A, "a1")]
    rows = client.get(EVENTS, query_string={"unit": TOWN_A}, headers=county).get_json()["items"]
    assert sorted((r["unit_code"], r["person_id"]) for r in rows) == [(TOWN_A, "s1"), (HOME_A, "a1")]


PROBLEM_KEYS = {"type", "title", "title_en", "status", "detail", "detail_en", "instance", "request_id", "roles"}


def test_an_account_holding_no_staff_role_reads_nothing(seeded):
    """Any staff role reads; an account whose roles were all withdrawn (the usual way to end someone's
    access and keep the account) read its town's figures, ranking, drill-down and alerts with their
    person ids (review 23). Every operation is refused, as the registry refuses it."""
    _, client = seeded
    roleless = {"Authorization": f"Bearer {ISSUER.issue('gone', [], TOWN_A)}"}
    for (method, path), rule in MATRIX.items():
        r = rule.call(client, roleless, None)
        assert r.status_code == 403 and r.mimetype == "application/problem+json", (method, path, r.status_code)
        problem = r.get_json()
        assert problem["detail"] and problem["detail_en"]
        assert set(problem) <= PROBLEM_KEYS, set(problem) - PROBLEM_KEYS  # a refusal, no figure, no person id
