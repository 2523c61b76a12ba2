"""The console's WSGI app: ``gunicorn 'console.app:create_app()'``.

Server-rendered pages over the services' public APIs, called with the signed-in user's own
token, so the console shows exactly what the APIs allow that user and no more. The token
lives in a signed, HTTP-only session cookie; the console keeps no data of its own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask, g, redirect, render_template, request, send_file, session, url_for

from chassis.auth import TokenService
from console import pages
from console.api import Api, ApiError
from console.config import ConsoleSettings
from console.i18n import lang, t

ROOT = Path(__file__).resolve().parents[4]

#: Demo users offered on the sign-in page when DEMO_SIGN_IN is on (make run).
DEMO_USERS = [
    ("county-admin", ["admin"], "370783000000", "寿光市委统战部 管理员"),
    ("county-evaluator", ["evaluator"], "370783000000", "寿光市委统战部 评价员"),
    ("county-auditor", ["auditor"], "370783000000", "寿光市 审计员"),
    ("town-editor", ["editor"], "370783001000", "圣城街道 编辑"),
    ("community-viewer", ["viewer"], "370783001001", "东关社区 查看"),
]


def create_app(settings: ConsoleSettings | None = None) -> Flask:
    settings = settings or ConsoleSettings.from_env()
    app = Flask("console", root_path=str(Path(__file__).resolve().parent))
    app.config.update(SECRET_KEY=settings.secret_key, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      MAX_CONTENT_LENGTH=settings.max_content_length)  # fmt: skip
    app.extensions["console"] = settings
    tokens = TokenService(settings.jwt_secret, settings.jwt_audience, settings.jwt_issuer)
    app.jinja_env.globals.update(t=t, lang=lang)

    @app.before_request
    def who():
        g.user = session.get("user")
        g.token = session.get("token")
        public = request.endpoint in ("login", "health", "static", "echarts", "language") or (
            request.endpoint or ""
        ).startswith("pages.rate")
        if not public and not g.token:
            return redirect(url_for("login", next=request.path))
        return None

    def api(name: str) -> Api:
        base = {"registry": settings.registry_url, "evaluation": settings.evaluation_url,
                "servicedesk": settings.servicedesk_url, "gateway": settings.gateway_url}[name]  # fmt: skip
        return Api(base, g.get("token"))

    app.extensions["console.api"] = api

    @app.errorhandler(ApiError)
    def api_error(err: ApiError):
        if err.status == 401 and g.get("token"):
            session.clear()
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
        return send_file(ROOT / settings.echarts_file, mimetype="text/javascript", max_age=86400)

    @app.route("/language")
    def language():
        session["lang"] = "en" if lang() == "zh" else "zh"
        return redirect(request.referrer or url_for("pages.dashboard"))

    @app.route("/login", methods=["GET", "POST"])
    def login():
        error = None
        if request.method == "POST":
            token = (request.form.get("token") or "").strip()
            if settings.demo_sign_in and request.form.get("demo"):
                sub, roles, unit, label = next(u for u in DEMO_USERS if u[0] == request.form["demo"])
                token = tokens.issue(sub, roles, unit, name=label, ttl=dt.timedelta(hours=8))
            try:
                principal = tokens.verify(token)
                session.update(token=token, user={"name": principal.name, "roles": sorted(principal.roles),
                                                  "unit": principal.unit})  # fmt: skip
                target = request.args.get("next") or url_for("pages.dashboard")
                return redirect(target if target.startswith("/") and not target.startswith("//") else "/")
            except Exception:
                error = "登录凭证无效或已过期 / Invalid or expired credentials"
        return render_template("login.html", demo=DEMO_USERS if settings.demo_sign_in else [], error=error)

    @app.route("/logout", methods=["POST"])
    def logout():
        session.clear()
        return redirect(url_for("login"))

    app.register_blueprint(pages.blp)
    return app
