"""Supervision test fixtures: a migrated service on each database, a client, staff tokens, and a
way to feed the view events as the worker would."""

from __future__ import annotations

import datetime as dt

import pytest

from supervision.bootstrap import bootstrap
from supervision.config import SupervisionSettings
from supervision.entrypoints.api.app import create_app
from supervision.service_layer import view
from tests.support.secrets import strong_secrets
from tests.support.tokens import ISSUER, trusted

COUNTY, TOWN_A, TOWN_B = "370783000000", "370783001000", "370783002000"
HOME_A, HOME_B = "370783001001", "370783002001"
#: The service's clock in the tests: November 2026 in Beijing, so October has ended.
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def sv(database_url):
    s = bootstrap(
        SupervisionSettings(
            database_url=database_url,
            kafka_bootstrap_servers="127.0.0.1:1",
            **strong_secrets(SupervisionSettings),
            **trusted(),
        )
    )
    s.clock = lambda: NOW
    s.migrate()
    yield s
    s.engine.dispose()


@pytest.fixture
def client(sv):
    return create_app(sv).test_client()


@pytest.fixture
def auth():
    def headers(roles=("viewer",), unit=COUNTY, sub="inspector1"):
        return {"Authorization": f"Bearer {ISSUER.issue(sub, list(roles), unit)}"}

    return headers


@pytest.fixture
def feed(sv):
    """Apply events to the view as the worker's consumer would (each in its own transaction)."""

    def apply(*events):
        for e in events:
            if e.type in view.PERSON_EVENTS:
                view.apply_person_event(sv.uow, e)
            else:
                view.record_fact(sv.uow, e)

    return apply
