"""What a browser or a stranger sees of every service's HTTP surface: security headers and
CSP on every answer, Swagger UI from the service itself, and /metrics only for the scraper."""

import re

import pytest
import sqlalchemy as sa

from chassis.http import create_service_app
from chassis.settings import BaseSettings
from tests.support.secrets import strong_secrets
from tests.support.tokens import ISSUER, trusted

SETTINGS = BaseSettings(
    **strong_secrets(BaseSettings),
    **trusted(),
    service_name="demo",
    kafka_bootstrap_servers="127.0.0.1:1",
)


@pytest.fixture
def client(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    return create_service_app(SETTINGS, title="Demo", engine=engine).app.test_client()


def staff_token() -> str:
    return ISSUER.issue("u1", ["admin"], "370783000000")


@pytest.mark.parametrize("path", ["/healthz", "/openapi.json", "/no-such-page", "/metrics"])
def test_every_answer_carries_the_security_headers(client, path):
    r = client.get(path)
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in r.headers["Permissions-Policy"]
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")


def test_no_hsts_in_development_mode_over_plain_http(tmp_path):
    app = create_service_app(SETTINGS.replace(development_mode=True), title="Demo").app
    assert "Strict-Transport-Security" not in app.test_client().get("/healthz").headers


def test_swagger_ui_comes_from_the_service_itself_with_no_inline_script(client):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "cdn" not in html.lower() and "http" not in html.replace('href="/', "").split("<body>")[1]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/docs/assets/' in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son\w+=", html)  # no inline event handlers
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for asset in re.findall(r'(?:src|href)="(/docs/assets/[^"]+)"', html):
        r = client.get(asset)
        assert r.status_code == 200 and len(r.data) > 100, asset
    bundle = client.get("/docs/assets/swagger-ui-bundle.js")
    assert b"SwaggerUIBundle" in bundle.data
    assert bundle.mimetype in ("text/javascript", "application/javascript")


@pytest.mark.parametrize("name", ["package.json", "index.html", "swagger-initializer.js", "..%2fpackage.json"])
def test_only_the_files_the_page_needs_are_served(client, name):
    assert client.get(f"/docs/assets/{name}").status_code == 404


def test_metrics_need_the_scrapers_token(client):
    client.get("/healthz")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Bearer {staff_token()}"},
                    {"Authorization": SETTINGS.metrics_token}):  # fmt: skip
        r = client.get("/metrics", headers=headers)
        assert r.status_code == 401 and r.mimetype == "application/problem+json"
        assert "tongxin_" not in r.get_data(as_text=True)
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
        assert r.get_json()["detail"] and r.get_json()["detail_en"]
    r = client.get("/metrics", headers={"Authorization": f"Bearer {SETTINGS.metrics_token}"})
    assert r.status_code == 200 and "tongxin_http_request_seconds" in r.get_data(as_text=True)


def test_metrics_are_off_when_no_token_is_configured(tmp_path):
    app = create_service_app(SETTINGS.replace(metrics_token=""), title="Demo").app
    assert app.test_client().get("/metrics", headers={"Authorization": "Bearer "}).status_code == 401
