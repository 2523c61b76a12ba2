"""Schemathesis against every service's own OpenAPI document on the running platform: whatever
it generates, valid or not, no answer is a 5xx and no answer breaks the document's own schema.

CI runs a bounded number of examples per operation (``FUZZ_EXAMPLES``, default 10);
``make fuzz`` runs a longer campaign.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from chassis.auth import TokenService
from chassis.settings import BaseSettings
from tests.e2e.conftest import service_url

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)


def admin() -> dict:
    s = BaseSettings.from_env()
    token = TokenService(s.jwt_secret, s.jwt_audience, s.jwt_issuer).issue("fuzz", ["admin"], "370783000000")
    return {"Authorization": f"Bearer {token}"}


def schema_of(platform, service: str):
    schema = schemathesis.openapi.from_url(service_url(platform, service) + "/openapi.json")
    return schema.exclude(path_regex=r"^/(metrics|healthz|readyz)$")


@pytest.fixture(scope="session")
def registry_api(platform):
    return schema_of(platform, "registry")


@pytest.fixture(scope="session")
def evaluation_api(platform):
    return schema_of(platform, "evaluation")


@pytest.fixture(scope="session")
def servicedesk_api(platform):
    return schema_of(platform, "servicedesk")


@pytest.fixture(scope="session")
def gateway_api(platform):
    return schema_of(platform, "sharing-gateway")


CHECKS = [not_a_server_error, response_schema_conformance]


def _test(fixture: str):
    @schemathesis.pytest.from_fixture(fixture).parametrize()
    @SETTINGS
    def test(case):
        case.call_and_validate(headers=admin(), checks=CHECKS)

    return test


test_registry_fuzz = _test("registry_api")
test_evaluation_fuzz = _test("evaluation_api")
test_servicedesk_fuzz = _test("servicedesk_api")
test_gateway_fuzz = _test("gateway_api")
