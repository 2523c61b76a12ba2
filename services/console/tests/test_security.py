"""The console's doors, tried as an attacker would with a plain HTTP client: forged form posts,
cookie flags, security headers, open redirects after sign-in, pasted tokens and forged
callbacks, and templates that could run data as script. Sign-in goes through the session's
real Keycloak as the demo account ``county-viewer``."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from console.app import InsecureCookieRefused
from console.config import ConsoleSettings

from tests.support.keycloak_pages import console_sign_in

TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "console" / "templates"
VIEWER = ("county-viewer", "Tx-county-viewer-2026")


def csrf_of(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def client(https):
    return https


def signed_in(client, next_path: str | None = None):
    r = console_sign_in(client, *VIEWER, next_path=next_path)
    assert r.status_code == 302
    return r


def test_every_form_in_every_template_carries_the_csrf_token():
    for template in TEMPLATES.glob("*.html"):
        html = template.read_text()
        for form in re.findall(r"<form[^>]*>", html):
            if 'method="get"' not in form:
                assert f'{form}<input type="hidden" name="csrf_token" value="{{{{ csrf_token() }}}}">' in html, template


def test_no_template_holds_inline_script_handlers_or_javascript_urls():
    for template in TEMPLATES.glob("*.html"):
        html = template.read_text()
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
            assert ("src=" in attrs and not body.strip()) or 'type="application/json"' in attrs, template
        assert not re.search(r"\son[a-z]+\s*=", html, re.I), template
        assert "javascript:" not in html and "|safe" not in html, template


@pytest.mark.parametrize(
    "path",
    ["/login", "/logout", "/rounds", "/rounds/r1", "/rounds/r1/token-sheet", "/requests/q1", "/community",
     "/imports", "/people/p1/edit", "/rate/some-token"],
)  # fmt: skip
def test_a_post_without_the_sessions_token_is_refused_with_a_readable_page(client, path):
    signed_in(client)
    for data in ({}, {"csrf_token": "guessed"}, {"csrf_token": ""}):
        r = client.post(path, data={**data, "action": "publish", "name": "x"})
        assert r.status_code == 403
        page = r.get_data(as_text=True)
        assert "刷新页面后重试" in page and "reload the page" in page
        assert r.headers["Content-Security-Policy"]


def test_a_token_from_another_session_is_refused(app):
    attacker, victim = app.test_client(), app.test_client()
    stolen = csrf_of(attacker)
    signed_in(victim)
    r = victim.post("/logout", data={"csrf_token": stolen})
    assert r.status_code == 403


def test_a_form_with_the_sessions_token_goes_through_and_sign_in_renews_it(client):
    before = csrf_of(client)
    signed_in(client)
    after = csrf_of(client, "/people")
    assert after != before  # the session starts afresh at sign-in
    r = client.post("/logout", data={"csrf_token": after})
    assert r.status_code == 302 and "/protocol/openid-connect/logout?" in r.headers["Location"]
    assert client.get("/people").status_code == 302  # signed out


def test_the_session_cookie_is_secure_http_only_and_same_site(client):
    r = signed_in(client)
    header = next(v for k, v in r.headers.items() if k == "Set-Cookie")
    cookie = SimpleCookie(header)
    (name,) = cookie
    morsel = cookie[name]
    assert name.startswith("__Host-")
    assert morsel["secure"] and morsel["httponly"] and morsel["samesite"] == "Lax" and morsel["path"] == "/"
    assert not morsel["domain"]


def test_insecure_cookies_only_in_development_mode(make_app):
    with pytest.raises(InsecureCookieRefused, match="SESSION_COOKIE_SECURE"):
        make_app(session_cookie_secure=False)
    dev = make_app(development_mode=True, session_cookie_secure=False).test_client()
    r = signed_in(dev)
    header = r.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header
    assert "Strict-Transport-Security" not in r.headers


@pytest.mark.parametrize("path", ["/login", "/healthz", "/no-such-page", "/", "/people", "/rounds", "/gateway"])
def test_every_page_carries_the_csp_and_security_headers(client, path):
    if path not in ("/login", "/healthz"):
        signed_in(client)
    r = client.get(path)
    assert r.status_code in (200, 404, 503), r.status_code
    csp = dict(part.strip().split(" ", 1) for part in r.headers["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["object-src"] == "'none'" and csp["base-uri"] == "'none'"
    idp = client.application.extensions["console"].oidc_issuer.split("/realms/")[0]
    assert csp["frame-ancestors"] == "'none'" and csp["form-action"] == f"'self' {idp}"
    assert "unsafe-inline" not in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in r.headers["Permissions-Policy"]
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")


def test_every_page_head_names_the_console_icon_which_is_served(client):
    heads = [t for t in TEMPLATES.glob("*.html") if "<head>" in t.read_text()]
    assert heads, "no template holds a <head>"
    for template in heads:
        assert 'rel="icon"' in template.read_text(), template.name
    r = client.get("/static/favicon.svg")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert b"<svg" in r.get_data()


HOSTILE_TARGETS = [
    "//evil.example",
    "//evil.example/path",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/%09/evil.example",
    "/ /evil.example",
    "https://evil.example",
    "http:evil.example",
    "evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "///evil.example",
    "/\x00/evil.example",
    "",
]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_sign_in_never_sends_the_browser_off_the_site(client, target):
    r = signed_in(client, next_path=target)
    assert r.headers["Location"] == "/"


def test_the_percent_encoded_tab_from_the_issue_stays_on_the_site(client):
    r = signed_in(client, next_path="/%09/evil.example")
    assert r.headers["Location"] == "/"


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_the_language_switch_never_sends_the_browser_off_the_site(client, target):
    r = client.post("/language", data={"next": target, "csrf_token": csrf_of(client)})
    assert r.status_code == 302 and r.headers["Location"] == "/"


def test_no_link_or_cross_site_form_can_switch_the_language(client):
    """Session state changes only on a POST carrying this session's CSRF token."""

    def page_language():
        return re.search(r'<html lang="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)

    before = page_language()
    assert client.get("/language", query_string={"next": "/login"}).status_code in (302, 405)  # an <img src=...>
    forged = client.post("/language", data={"next": "/login"}, headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403
    assert page_language() == before
    switched = client.post("/language", data={"next": "/login", "csrf_token": csrf_of(client)})
    assert switched.status_code == 302 and switched.headers["Location"] == "/login"
    assert page_language() != before


def test_a_local_next_is_honoured(client):
    r = signed_in(client, next_path="/people?q=wang&unit=370783001000")
    assert r.headers["Location"] == "/people?q=wang&unit=370783001000"


def test_signed_out_visitors_are_sent_to_sign_in_with_their_page(client):
    r = client.get("/people?q=wang")
    assert r.status_code == 302 and r.headers["Location"] == "/login?next=/people?q%3Dwang"


def test_a_pasted_token_or_demo_name_is_no_way_in(client, make_app):
    for data in ({"token": "eyJhbGciOiJIUzI1NiJ9.e30.x"}, {"demo": "county-admin"}):
        r = client.post("/login", data={**data, "csrf_token": csrf_of(client)})
        assert r.status_code == 302 and "/protocol/openid-connect/auth?" in r.headers["Location"]
        assert client.get("/people").status_code == 302  # still signed out
    assert 'name="demo"' not in make_app(development_mode=True, session_cookie_secure=False).test_client().get(
        "/login"
    ).get_data(as_text=True)


def test_a_forged_callback_signs_nobody_in(client):
    csrf_of(client)
    r = client.get("/auth/callback?code=forged&state=forged")
    assert r.status_code == 401 and client.get("/people").status_code == 302


def test_the_secret_key_is_declared_a_secret():
    import dataclasses

    fields = {f.name: f for f in dataclasses.fields(ConsoleSettings)}
    for name in ("secret_key", "oidc_client_secret", "staff_admin_client_secret"):
        assert fields[name].metadata.get("secret") is True
