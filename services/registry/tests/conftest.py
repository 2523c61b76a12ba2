"""Registry test fixtures: a migrated registry on each database, an API client, staff tokens."""

from __future__ import annotations

import pytest

from registry.bootstrap import bootstrap
from registry.config import RegistrySettings
from registry.entrypoints.api.app import create_app
from registry.service_layer.units import load_shipped_units
from services.registry.tests.support import COUNTY, person_body
from tests.support.secrets import strong_secrets
from tests.support.tokens import ISSUER, trusted


@pytest.fixture
def registry(database_url):
    reg = bootstrap(
        RegistrySettings(
            database_url=database_url,
            kafka_bootstrap_servers="127.0.0.1:1",
            **strong_secrets(RegistrySettings),
            **trusted(),
        )
    )
    reg.migrate()
    load_shipped_units(reg.engine)
    yield reg
    reg.engine.dispose()


@pytest.fixture
def client(registry):
    return create_app(registry).test_client()


@pytest.fixture
def auth(registry):
    def headers(roles=("editor",), unit=COUNTY, sub="staff1", **extra):
        return {"Authorization": f"Bearer {ISSUER.issue(sub, list(roles), unit)}", **extra}

    return headers


@pytest.fixture
def create(client, auth):
    def make(headers=None, **overrides):
        r = client.post("/people", json=person_body(**overrides), headers=headers or auth())
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    return make
