"""The console against the test session's real Keycloak (``keycloak`` fixture, tongxin realm)."""

from __future__ import annotations

import uuid

import pytest
from console.app import create_app
from console.config import ConsoleSettings

from tests.support.identity import Admin
from tests.support.keycloak_pages import allow_redirects

#: Nothing listens here: the pages that call an API show "cannot be reached" instead.
NOWHERE = "http://127.0.0.1:9"


def console_settings(keycloak, tmp_path, **overrides) -> ConsoleSettings:
    values = dict(
        secret_key="k" * 40, registry_url=NOWHERE, evaluation_url=NOWHERE, servicedesk_url=NOWHERE,
        gateway_url=NOWHERE, database_url=f"sqlite:///{tmp_path / 'console.db'}",
        oidc_issuer=keycloak.issuer if keycloak else "http://127.0.0.1:9/realms/tongxin",
    )  # fmt: skip
    return ConsoleSettings(**{**values, **overrides})


@pytest.fixture(scope="session")
def oidc(keycloak):
    """The session Keycloak, with the test client's origins allowed as the console's redirect URIs."""
    allow_redirects(keycloak, "tongxin-console", "http://localhost", "https://localhost")
    return keycloak


@pytest.fixture
def make_app(oidc, tmp_path):
    """``make_app(development_mode=True, ...)``: a console on the session Keycloak, its own database."""
    return lambda **overrides: create_app(console_settings(oidc, tmp_path, **overrides))


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def https(app):
    """A browser on https (the Secure cookie travels only there)."""
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


@pytest.fixture
def staff(oidc):
    """``staff("admin", unit=...)``: a fresh account in Keycloak (user name, password)."""
    admin = Admin(oidc)

    def make(*roles: str, unit: str = "370783000000") -> tuple[str, str]:
        username = f"t-{uuid.uuid4().hex[:10]}"
        password = f"Pw-{uuid.uuid4().hex[:12]}A1"
        answer = admin.create_user(username, unit, list(roles), password)
        assert answer.status_code == 201, answer.text
        return username, password

    return make
