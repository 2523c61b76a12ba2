"""The console's doors, tried as an attacker would with a plain HTTP client: forged form posts,
cookie flags, security headers, open redirects after sign-in, demo sign-in outside
development mode, and templates that could run data as script."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from console.app import InsecureCookieRefused, create_app
from console.config import ConsoleSettings

from chassis.auth import TokenService

#: Nothing listens here: the pages that call an API show "cannot be reached" instead.
NOWHERE = "http://127.0.0.1:9"
SECURE = ConsoleSettings(secret_key="k" * 40, registry_url=NOWHERE, evaluation_url=NOWHERE,
                         servicedesk_url=NOWHERE, gateway_url=NOWHERE)  # fmt: skip
DEV = SECURE.replace(development_mode=True, session_cookie_secure=False)
TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "console" / "templates"


def staff_token(roles=("admin",), unit="370783000000") -> str:
    return TokenService(SECURE.jwt_secret, SECURE.jwt_audience, SECURE.jwt_issuer).issue("u1", list(roles), unit)


def csrf_of(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def https_client(settings=SECURE):
    """A browser on https (the Secure cookie travels only there)."""
    client = create_app(settings).test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


@pytest.fixture
def client():
    return https_client()


def signed_in(client) -> None:
    r = client.post("/login", data={"token": staff_token(), "csrf_token": csrf_of(client)})
    assert r.status_code == 302


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


def test_a_token_from_another_session_is_refused():
    attacker, victim = https_client(), https_client()
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
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    assert client.get("/people").status_code == 302  # signed out


def test_the_session_cookie_is_secure_http_only_and_same_site(client):
    signed_in(client)
    r = client.post("/login", data={"token": staff_token(), "csrf_token": csrf_of(client)})
    header = next(v for k, v in r.headers.items() if k == "Set-Cookie")
    cookie = SimpleCookie(header)
    (name,) = cookie
    morsel = cookie[name]
    assert name.startswith("__Host-")
    assert morsel["secure"] and morsel["httponly"] and morsel["samesite"] == "Lax" and morsel["path"] == "/"
    assert not morsel["domain"]


def test_insecure_cookies_only_in_development_mode():
    with pytest.raises(InsecureCookieRefused, match="SESSION_COOKIE_SECURE"):
        create_app(SECURE.replace(session_cookie_secure=False))
    dev = create_app(DEV).test_client()
    csrf_of(dev)
    r = dev.post("/login", data={"demo": "county-admin", "csrf_token": csrf_of(dev)})
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
    assert csp["frame-ancestors"] == "'none'" and csp["form-action"] == "'self'"
    assert "unsafe-inline" not in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in r.headers["Permissions-Policy"]
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")


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
    token = csrf_of(client)
    r = client.post("/login", query_string={"next": target},
                    data={"token": staff_token(), "csrf_token": token})  # fmt: skip
    assert r.status_code == 302
    assert r.headers["Location"] == "/"


def test_the_percent_encoded_tab_from_the_issue_stays_on_the_site(client):
    token = csrf_of(client)
    r = client.post("/login?next=/%09/evil.example", data={"token": staff_token(), "csrf_token": token},)  # fmt: skip
    assert r.headers["Location"] == "/"


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_the_language_switch_never_sends_the_browser_off_the_site(client, target):
    r = client.get("/language", query_string={"next": target}, headers={"Referer": "https://evil.example/"})
    assert r.status_code == 302 and r.headers["Location"] == "/"


def test_a_local_next_is_honoured(client):
    token = csrf_of(client)
    r = client.post("/login", query_string={"next": "/people?q=wang&unit=370783001000"},
                    data={"token": staff_token(), "csrf_token": token})  # fmt: skip
    assert r.headers["Location"] == "/people?q=wang&unit=370783001000"


def test_signed_out_visitors_are_sent_to_sign_in_with_their_page(client):
    r = client.get("/people?q=wang")
    assert r.status_code == 302 and r.headers["Location"] == "/login?next=/people?q%3Dwang"


def test_no_demo_sign_in_outside_development_mode(client):
    assert 'name="demo"' not in client.get("/login").get_data(as_text=True)
    r = client.post("/login", data={"demo": "county-admin", "csrf_token": csrf_of(client)})
    assert r.status_code == 401 and "Invalid or expired credentials" in r.get_data(as_text=True)
    assert client.get("/people").status_code == 302  # still signed out
    dev = create_app(DEV).test_client()
    assert 'name="demo"' in dev.get("/login").get_data(as_text=True)


def test_a_bad_token_is_refused(client):
    forged = TokenService("x" * 40, SECURE.jwt_audience, SECURE.jwt_issuer).issue("u1", ["admin"], "370000000000")
    r = client.post("/login", data={"token": forged, "csrf_token": csrf_of(client)})
    assert r.status_code == 401 and client.get("/people").status_code == 302


def test_the_secret_key_is_declared_a_secret():
    import dataclasses

    fields = {f.name: f for f in dataclasses.fields(ConsoleSettings)}
    assert fields["secret_key"].metadata.get("secret") is True
