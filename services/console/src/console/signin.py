"""Signing in and out of the console: one module, so the department's sign-on (OIDC) can
replace it without touching the pages.

Today a staff token is pasted in, or, in development mode only (``make run``), one of the
demo users is picked and the console mints their token. The token is checked, then kept
in the signed, HTTP-only session cookie; the session starts afresh at sign-in (a new
CSRF token, nothing carried over from before) and is wiped at sign-out.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask, redirect, render_template, request, session, url_for

from chassis.auth import TokenService
from console.config import ConsoleSettings
from console.i18n import lang
from console.redirects import local_target

#: Demo users offered on the sign-in page in development mode (make run).
DEMO_USERS = [
    ("county-admin", ["admin"], "370783000000", "寿光市委统战部 管理员"),
    ("county-evaluator", ["evaluator"], "370783000000", "寿光市委统战部 评价员"),
    ("county-auditor", ["auditor"], "370783000000", "寿光市 审计员"),
    ("town-editor", ["editor"], "370783001000", "圣城街道 编辑"),
    ("community-viewer", ["viewer"], "370783001001", "东关社区 查看"),
]
INVALID = "登录凭证无效或已过期 / Invalid or expired credentials"


def install(app: Flask, settings: ConsoleSettings) -> None:
    tokens = TokenService(settings.jwt_secret, settings.jwt_audience, settings.jwt_issuer)
    demo_users = DEMO_USERS if settings.development_mode else []

    def demo_token(sub: str) -> str:
        user = next((u for u in demo_users if u[0] == sub), None)
        if user is None:
            return ""
        sub, roles, unit, label = user
        return tokens.issue(sub, roles, unit, name=label, ttl=dt.timedelta(hours=8))

    @app.route("/login", methods=["GET", "POST"])
    def login():
        error = None
        if request.method == "POST":
            demo = request.form.get("demo")
            token = demo_token(demo) if demo else (request.form.get("token") or "").strip()
            try:
                principal = tokens.verify(token)
            except Exception:
                error = INVALID
            else:
                language = lang()
                session.clear()
                session.update(lang=language, token=token, user={"name": principal.name, "unit": principal.unit,
                                                                 "roles": sorted(principal.roles)})  # fmt: skip
                return redirect(local_target(request.args.get("next"), url_for("pages.dashboard")))
        return render_template("login.html", demo=demo_users, error=error), 401 if error else 200

    @app.route("/logout", methods=["POST"])
    def logout():
        session.clear()
        return redirect(url_for("login"))

    @app.route("/language")
    def language():
        session["lang"] = "en" if lang() == "zh" else "zh"
        return redirect(local_target(request.args.get("next"), url_for("pages.dashboard")))
