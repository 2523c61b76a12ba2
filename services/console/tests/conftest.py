"""The console against the test session's real Keycloak (``keycloak`` fixture, tongxin realm).

The console runs as in production, so it refuses the realm file's development client secrets:
the session gets its own copies of the console's two clients with strong random secrets.
"""

from __future__ import annotations

import uuid

import pytest
from console.app import create_app
from console.config import ConsoleSettings

from services.console.tests.supervision_support import COUNTY, serve_services
from tests.support.identity import Admin
from tests.support.keycloak_pages import allow_redirects, console_sign_in
from tests.support.secrets import strong_secrets

#: Nothing listens here: the pages that call an API show "cannot be reached" instead.
NOWHERE = "http://127.0.0.1:9"


SECRETS = strong_secrets(ConsoleSettings)
CONSOLE_CLIENT, STAFF_CLIENT = "tongxin-console-tests", "tongxin-console-staff-tests"


def console_settings(keycloak, tmp_path, **overrides) -> ConsoleSettings:
    values = dict(
        **SECRETS, registry_url=NOWHERE, evaluation_url=NOWHERE, servicedesk_url=NOWHERE, gateway_url=NOWHERE,
        supervision_url=NOWHERE,
        database_url=f"sqlite:///{tmp_path / 'console.db'}", oidc_issuer=keycloak.issuer,
        oidc_jwks_url=keycloak.jwks_url,
        oidc_client_id=CONSOLE_CLIENT, staff_admin_client_id=STAFF_CLIENT,
    )  # fmt: skip
    return ConsoleSettings(**{**values, **overrides})


def _copy_client(admin: Admin, client_id: str, copy_id: str, secret: str) -> dict:
    """A copy of a realm client (mappers, flows, redirect URIs) under another id and secret."""
    found = admin.session.get(admin.url("/clients"), params={"clientId": copy_id}, timeout=30).json()
    if not found:
        (original,) = admin.session.get(admin.url("/clients"), params={"clientId": client_id}, timeout=30).json()
        copy = {k: v for k, v in original.items() if k not in ("id", "clientId", "secret")}
        copy["protocolMappers"] = [{k: v for k, v in m.items() if k != "id"} for m in copy.get("protocolMappers", [])]
        admin.session.post(admin.url("/clients"), json={**copy, "clientId": copy_id, "secret": secret},
                           timeout=30).raise_for_status()  # fmt: skip
        found = admin.session.get(admin.url("/clients"), params={"clientId": copy_id}, timeout=30).json()
    # a long-lived test Keycloak keeps the copy from an earlier run: give it this run's secret
    admin.session.put(admin.url(f"/clients/{found[0]['id']}"), json={**found[0], "secret": secret},
                      timeout=30).raise_for_status()  # fmt: skip
    return found[0]


def _grant_user_administration(admin: Admin, client: dict) -> None:
    """The staff client's service account: realm-management's manage-users and view-users, as in the realm."""
    account = admin.session.get(admin.url(f"/clients/{client['id']}/service-account-user"), timeout=30).json()
    (management,) = admin.session.get(admin.url("/clients"), params={"clientId": "realm-management"}, timeout=30).json()
    roles = [
        admin.session.get(admin.url(f"/clients/{management['id']}/roles/{name}"), timeout=30).json()
        for name in ("manage-users", "view-users")
    ]
    admin.session.post(admin.url(f"/users/{account['id']}/role-mappings/clients/{management['id']}"), json=roles,
                       timeout=30).raise_for_status()  # fmt: skip


@pytest.fixture(scope="session")
def oidc(keycloak):
    """The session Keycloak with the console's test clients (strong secrets; the test client's
    origins among the redirect URIs)."""
    admin = Admin(keycloak)
    _copy_client(admin, "tongxin-console", CONSOLE_CLIENT, SECRETS["oidc_client_secret"])
    staff = _copy_client(admin, "tongxin-console-staff", STAFF_CLIENT, SECRETS["staff_admin_client_secret"])
    _grant_user_administration(admin, staff)
    allow_redirects(keycloak, CONSOLE_CLIENT, "http://localhost", "https://localhost")
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


# -- the supervision pages (test_supervision_pages, test_supervision_alerts) ------------------------


@pytest.fixture(scope="module")
def supervision_services(oidc, tmp_path_factory):
    """A real supervision API and registry fed October (``supervision_support``), one pair per test module."""
    with serve_services(oidc, tmp_path_factory.mktemp("supervision")) as running:
        yield running


@pytest.fixture
def console_as(make_app, supervision_services, staff):
    """``console_as("viewer", unit=...)``: the console's test client, signed in as a fresh account."""
    _, sv_url, reg_url = supervision_services
    app = make_app(supervision_url=sv_url, registry_url=reg_url)

    def sign_in(*roles: str, unit: str = COUNTY):
        client = app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"
        assert console_sign_in(client, *staff(*roles, unit=unit)).status_code == 302
        return client

    return sign_in
