"""Schemathesis against every service's own OpenAPI document on the running platform: whatever
it generates, valid or not, no answer is a 5xx and no answer breaks the document's own schema.

CI runs a bounded number of examples per operation (``FUZZ_EXAMPLES``, default 10);
``make fuzz`` runs a longer campaign.
"""

from __future__ import annotations

import importlib
import os
import pkgutil

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.e2e.conftest import service_url
from tests.support.tokens import staff_headers


def _import_all_of_schemathesis() -> None:
    """Import every module of schemathesis now, while the tests are collected. Being a pytest plugin,
    its package is rewritten by pytest with ``ast.parse`` on first import, and it imports most of its
    modules lazily: mid-test, beside the platform's threads, where CPython 3.11's AST converter is
    not thread-safe (gh-106905: "AST constructor recursion depth mismatch", seen once in a full run)."""
    for module in pkgutil.walk_packages(schemathesis.__path__, "schemathesis."):
        try:
            importlib.import_module(module.name)
        except ImportError:  # an optional integration whose library is not installed (allure)
            pass


_import_all_of_schemathesis()
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)


def admin() -> dict:
    return staff_headers(("admin",), sub="fuzz")


def schema_of(platform, service: str):
    schema = schemathesis.openapi.from_url(service_url(platform, service) + "/openapi.json")
    return schema.exclude(path_regex=r"^/(metrics|healthz|readyz)$")


CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.mark.parametrize("service", ["registry", "evaluation", "servicedesk", "sharing-gateway"])
def test_no_operation_answers_with_a_5xx_or_off_its_own_schema(platform, service):
    schema = schema_of(platform, service)
    headers = admin()
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @SETTINGS
        @given(case=operation.as_strategy())
        def fuzz(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        fuzz()
    assert operations > 5
