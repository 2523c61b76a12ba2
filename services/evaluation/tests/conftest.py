"""Evaluation test fixtures: a migrated service on each database, a client, tokens, people in the view."""

from __future__ import annotations

import pytest

from evaluation.bootstrap import bootstrap
from evaluation.config import EvaluationSettings
from evaluation.entrypoints.api.app import create_app
from evaluation.service_layer.read_model import apply_person_event
from tests.support.people import person_event
from tests.support.secrets import strong_secrets
from tests.support.tokens import ISSUER, trusted

COUNTY, TOWN_A, TOWN_B = "370783000000", "370783001000", "370783002000"


@pytest.fixture
def evaluation(database_url):
    ev = bootstrap(
        EvaluationSettings(
            database_url=database_url,
            kafka_bootstrap_servers="127.0.0.1:1",
            **strong_secrets(EvaluationSettings),
            **trusted(),
        )
    )
    ev.migrate()
    yield ev
    ev.engine.dispose()


@pytest.fixture
def client(evaluation):
    return create_app(evaluation).test_client()


@pytest.fixture
def auth(evaluation):
    def headers(roles=("evaluator",), unit=COUNTY, sub="judge1"):
        return {"Authorization": f"Bearer {ISSUER.issue(sub, list(roles), unit)}"}

    return headers


@pytest.fixture
def people(evaluation):
    def add(*events):
        for e in events:
            apply_person_event(evaluation.uow, e)

    return add


@pytest.fixture
def opened(client, auth, people):
    people(
        person_event("p1"), person_event("p2"), person_event("p3", unit="370783002001"), person_event("p4", roles=())
    )  # p4 is no representative: not in the cohort
    r = client.post(
        "/rounds",
        json={
            "name": "2026年度党外代表人士评价",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "bottom_count": 1,
        },
        headers=auth(),
    )
    assert r.status_code == 201, r.get_json()
    round_id = r.get_json()["id"]
    assert client.post(f"/rounds/{round_id}/open", headers=auth()).get_json()["state"] == "open"
    return round_id
