"""Signing in to the console through the real Keycloak (authorization code + PKCE), tokens kept
server-side and refreshed, and a sign-out that ends both sessions for real."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse

import pytest
import requests
import sqlalchemy as sa
from console.tables import staff_sessions

from tests.support.identity import Admin
from tests.support.keycloak_pages import KeycloakPages, console_sign_in

pytestmark = pytest.mark.keycloak


def _sessions(app) -> list:
    with app.extensions["console.db"].connect() as conn:
        return conn.execute(sa.select(staff_sessions)).all()


def test_sign_in_goes_through_keycloak_with_pkce_and_lands_on_the_asked_page(app, staff):
    username, password = staff("editor", unit="370783001000")
    client = app.test_client()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    started = client.post("/login?next=/people%3Fq%3Dwang", data={"csrf_token": csrf})
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(started.headers["Location"]).query)
    assert started.headers["Location"].startswith(app.extensions["console"].oidc_issuer)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["response_type"] == ["code"] and query["client_id"] == [app.extensions["console"].oidc_client_id]
    back = KeycloakPages("http://localhost/").sign_in(started.headers["Location"], username, password)
    parts = urllib.parse.urlsplit(back)
    done = client.get(parts.path, query_string=parts.query)
    assert done.status_code == 302 and done.headers["Location"] == "/people?q=wang"
    (row,) = _sessions(app)
    assert row.user["unit"] == "370783001000" and row.user["roles"] == ["editor"]
    assert row.access_token and row.refresh_token and row.id_token


def test_the_cookie_holds_a_session_id_and_never_a_token(app, staff):
    username, password = staff("viewer")
    client = app.test_client()
    console_sign_in(client, username, password)
    with client.session_transaction() as cookie_session:
        assert set(cookie_session) <= {"sid", "lang", "csrf_token"}
    (row,) = _sessions(app)
    cookie = client.get_cookie("console") or client.get_cookie("__Host-console")
    assert row.access_token not in cookie.value and len(cookie.value) < 400
    page = client.get("/login")  # signed-in pages show the user
    assert page.status_code == 200


def test_a_replayed_code_or_state_is_refused(app, staff):
    username, password = staff("viewer")
    client = app.test_client()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    started = client.post("/login", data={"csrf_token": csrf})
    back = urllib.parse.urlsplit(
        KeycloakPages("http://localhost/").sign_in(started.headers["Location"], username, password)
    )
    other = app.test_client()  # a different browser cannot finish this sign-in (the state is bound to the session)
    refused = other.get(back.path, query_string=back.query)
    assert refused.status_code == 401 and "Sign-in did not complete" in refused.get_data(as_text=True)
    assert other.get("/people").status_code == 302
    assert client.get(back.path, query_string=back.query).status_code == 302  # the right browser, once
    assert client.get(back.path, query_string=back.query).status_code == 401  # and never twice


def test_an_error_from_keycloak_is_a_readable_sign_in_page(app):
    client = app.test_client()
    r = client.get("/auth/callback?error=access_denied&state=x")
    assert r.status_code == 401 and "登录未完成" in r.get_data(as_text=True)


def test_an_access_token_about_to_expire_is_refreshed_before_the_page_runs(app, staff):
    username, password = staff("viewer")
    client = app.test_client()
    console_sign_in(client, username, password)
    (before,) = _sessions(app)
    with app.extensions["console.db"].begin() as conn:
        conn.execute(sa.update(staff_sessions).values(access_expires_at=dt.datetime.now(dt.UTC)))
    assert client.get("/login").status_code == 200
    (after,) = _sessions(app)
    assert after.access_token != before.access_token and after.refresh_token != before.refresh_token
    assert after.access_expires_at > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=3)
    app.extensions["console.verifier"].verify(after.access_token)  # a real Keycloak token for the APIs


def test_when_keycloak_refuses_the_refresh_the_console_session_ends(app, staff, oidc):
    username, password = staff("viewer")
    client = app.test_client()
    console_sign_in(client, username, password)
    admin = Admin(oidc)
    admin.session.post(admin.url(f"/users/{admin.user(username)['id']}/logout"), timeout=30).raise_for_status()
    with app.extensions["console.db"].begin() as conn:
        conn.execute(sa.update(staff_sessions).values(access_expires_at=dt.datetime.now(dt.UTC)))
    r = client.get("/people")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")
    assert _sessions(app) == []


def test_sign_out_ends_the_keycloak_session_and_the_old_cookie_gets_the_sign_in_page(app, staff, oidc):
    username, password = staff("viewer")
    client = app.test_client()
    console_sign_in(client, username, password)
    old_cookie = client.get_cookie("__Host-console").value
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    out = client.post("/logout", data={"csrf_token": csrf})
    assert out.status_code == 302
    end_session = urllib.parse.urlsplit(out.headers["Location"])
    params = urllib.parse.parse_qs(end_session.query)
    assert out.headers["Location"].startswith(f"{oidc.issuer}/protocol/openid-connect/logout")
    assert params["id_token_hint"][0] and params["post_logout_redirect_uri"] == ["http://localhost/login"]
    assert _sessions(app) == []
    # the browser follows it: Keycloak ends its session and sends it back to the sign-in page
    followed = requests.get(out.headers["Location"], allow_redirects=False, timeout=30)
    assert followed.status_code == 302 and followed.headers["Location"].startswith("http://localhost/login")
    admin = Admin(oidc)
    user_id = admin.user(username)["id"]
    assert admin.session.get(admin.url(f"/users/{user_id}/sessions"), timeout=30).json() == []
    replay = app.test_client()
    replay.set_cookie("__Host-console", old_cookie)
    r = replay.get("/people")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")


def test_demo_accounts_are_hinted_only_in_development_mode(make_app):
    production = make_app().test_client().get("/login").get_data(as_text=True)
    assert "Tx-county-admin-2026" not in production and "demo-accounts" not in production
    dev = make_app(development_mode=True, session_cookie_secure=False)
    page = dev.test_client().get("/login").get_data(as_text=True)
    assert "county-admin" in page and "Tx-county-admin-2026" in page and "town-admin" in page


def test_the_demo_hints_match_the_realm_file():
    import json
    from pathlib import Path

    from console.signin import DEMO_ACCOUNTS, demo_password

    realm = json.loads((Path(__file__).resolve().parents[3] / "deploy/keycloak/tongxin-realm.dev.json").read_text())
    passwords = {u["username"]: u["credentials"][0]["value"] for u in realm["users"] if u.get("credentials")}
    for username, _ in DEMO_ACCOUNTS:
        assert passwords[username] == demo_password(username)


def test_a_demo_user_signs_in_through_keycloak_like_everyone_else(make_app):
    app = make_app(development_mode=True, session_cookie_secure=False)
    client = app.test_client()
    r = console_sign_in(client, "community-viewer", "Tx-community-viewer-2026")
    assert r.status_code == 302
    (row,) = _sessions(app)
    assert row.user["unit"] == "370783001001"
    assert client.post("/login", data={"demo": "county-admin"}).status_code == 403  # no minting door left
