"""Service desk test fixtures: a migrated service on each database, a client, staff tokens, people."""

from __future__ import annotations

import pytest

from servicedesk.bootstrap import bootstrap
from servicedesk.config import ServiceDeskSettings
from servicedesk.entrypoints.api.app import create_app
from servicedesk.service_layer.read_model import apply_person_event
from tests.support.secrets import strong_secrets
from tests.support.tokens import ISSUER, trusted

COUNTY, TOWN_A, TOWN_B = "370783000000", "370783001000", "370783002000"
HOME_A, HOME_B = "370783001001", "370783002001"


@pytest.fixture
def desk(database_url):
    d = bootstrap(
        ServiceDeskSettings(
            database_url=database_url,
            kafka_bootstrap_servers="127.0.0.1:1",
            **strong_secrets(ServiceDeskSettings),
            **trusted(),
        )
    )
    d.migrate()
    yield d
    d.engine.dispose()


@pytest.fixture
def client(desk):
    return create_app(desk).test_client()


@pytest.fixture
def auth(desk):
    def headers(roles=("editor",), unit=COUNTY, sub="clerk1"):
        return {"Authorization": f"Bearer {ISSUER.issue(sub, list(roles), unit)}"}

    return headers


@pytest.fixture
def people(desk):
    def add(*events):
        for e in events:
            apply_person_event(desk.uow, e)

    return add
