"""The console's WSGI app: ``gunicorn 'console.app:create_app()'``.

Server-rendered pages over the services' public APIs, called with the signed-in user's own
access token, so the console shows exactly what the APIs allow that user and no more. Staff
sign in through Keycloak (``signin``); the signed, HTTP-only, SameSite session cookie holds only
a random session id, the tokens stay server-side (``sessions``). The console's own database
holds those sessions and the staff audit log of its account administration (``staff``).

Names typed by any user (units, rounds, people, activities) are shown to every other user,
so pages never mix data into script: templates escape everything, data for scripts goes
through ``tojson`` into a JSON data block read by static JS, and the Content-Security-Policy
allows no inline script at all. Every form carries a CSRF token (``console.csrf``).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, g, redirect, render_template, request, send_file, session, url_for

from chassis import migrations
from chassis.db import make_engine
from chassis.http import headers
from chassis.http.client import trust_proxies
from chassis.oidc import TokenVerifier
from console import (  # noqa: F401  (their routes register on page_kit.blp)
    access,
    csrf,
    desk_pages,
    page_kit,
    pages,
    signin,
    staff,
    supervision_pages,
)
from console.api import Api, ApiError
from console.config import ConsoleSettings
from console.i18n import beijing_time, lang, t
from console.keycloak_admin import KeycloakAdmin

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

#: Scripts, styles, images and requests only from the console itself; no inline script or
#: style, no plugins, no <base>, never framed, forms post only here. The sign-in and sign-out
#: forms are answered with a redirect to the identity provider, which browsers check against
#: form-action too, so its origin is added there (and nowhere else).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self' {idp}"
)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


FORGED = ApiError(
    403,
    "表单已过期或不是从本站提交的，请刷新页面后重试",
    "The form expired or was not sent from this site; reload the page and try again",
)


class InsecureCookieRefused(RuntimeError):
    """SESSION_COOKIE_SECURE=false outside development mode: the session would travel in clear."""


def create_app(settings: ConsoleSettings | None = None) -> Flask:
    settings = settings or ConsoleSettings.from_env()
    settings.refuse_unsafe_secrets()
    if not settings.session_cookie_secure and not settings.development_mode:
        raise InsecureCookieRefused(
            "SESSION_COOKIE_SECURE=false is allowed only with DEVELOPMENT_MODE=true (plain http on 127.0.0.1)"
        )
    app = Flask("console", root_path=str(Path(__file__).resolve().parent))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="__Host-console" if settings.session_cookie_secure else "console",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=settings.max_content_length,
    )
    app.extensions["console"] = settings
    trust_proxies(app, settings.trusted_proxy_hops)  # the rater's address, not the ingress's, goes to evaluation
    csp = CSP.format(idp=_origin(settings.oidc_issuer))
    app.jinja_env.globals.update(t=t, lang=lang, csrf_token=csrf.token)
    app.jinja_env.filters["beijing"] = beijing_time
    engine = make_engine(settings.database_url)
    migrations.upgrade(engine, MIGRATIONS)
    app.extensions["console.db"] = engine
    app.extensions["console.verifier"] = TokenVerifier.from_settings(settings)
    staff_administration = bool(settings.staff_admin_client_secret)
    if staff_administration:
        app.extensions["console.keycloak"] = KeycloakAdmin(
            settings.oidc_server_url, settings.staff_admin_client_id, settings.staff_admin_client_secret
        )
    app.jinja_env.globals["staff_administration"] = staff_administration
    store = signin.install(app, settings, engine)

    @app.before_request
    def who():
        g.user = g.token = None
        if request.endpoint in ("static", "echarts", "health"):
            return None
        staff_session = store.current(session.get("sid"))
        if staff_session:
            g.user, g.token = staff_session.user, staff_session.access_token
        elif "sid" in session:  # ended elsewhere (sign-out, expiry, refresh refused)
            session.pop("sid")
        if csrf.request_is_forged():
            return render_template("error.html", error=FORGED), 403
        if not access.is_public(request.endpoint) and not g.token:
            return redirect(url_for("login", next=request.full_path.rstrip("?")))
        refused = access.refusal(request.endpoint, set(g.user.get("roles", []))) if g.token else None
        if refused is not None:  # the access matrix (console.access), before any API is called
            return render_template("error.html", error=refused), refused.status
        return None

    @app.after_request
    def secure(response):
        return headers.secure(response, csp, hsts=settings.session_cookie_secure)

    def api(name: str) -> Api:
        base = {"registry": settings.registry_url, "evaluation": settings.evaluation_url,
                "servicedesk": settings.servicedesk_url, "gateway": settings.gateway_url,
                "supervision": settings.supervision_url}[name]  # fmt: skip
        return Api(base, g.get("token"))

    app.extensions["console.api"] = api

    @app.errorhandler(ApiError)
    def api_error(err: ApiError):
        if err.status == 401 and g.get("token"):
            app.extensions["console.sign_out"]()
            return redirect(url_for("login"))
        return render_template("error.html", error=err), err.status

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        code = getattr(err, "code", 500)
        if isinstance(code, int) and code < 500:
            return render_template("error.html", error=ApiError(code, "请求有误", str(err))), code
        app.logger.exception("console error")
        return render_template(
            "error.html", error=ApiError(500, "控制台出错，请稍后重试", "Console error; try again")
        ), 500

    @app.route("/healthz")
    @app.route("/readyz")
    def health():
        return {"status": "ok"}

    @app.route("/vendor/echarts.min.js")
    def echarts():
        # Relative to the working directory: the repository under make run, /app in the image.
        return send_file(Path(settings.echarts_file).resolve(), mimetype="text/javascript", max_age=86400)

    app.register_blueprint(page_kit.blp)  # the routes of pages and desk_pages
    if staff_administration:
        app.register_blueprint(staff.blp)
    return app
