"""Signing in and out of the console through the department's identity provider (Keycloak).

Sign-in is OpenID Connect's authorization code flow with PKCE (Authlib's Flask client):
the console never sees a password, and it mints no token anywhere. At the callback the ID
token is validated (signature, issuer, audience, nonce) and the access token is verified
like the services do (``chassis.oidc``) to learn the user's unit and roles; then the session
starts afresh (a new id and CSRF token, nothing carried over) and the tokens go to the
server-side store (``sessions``). Sign-out deletes the stored session, so the old cookie is
worthless, and sends the browser to the issuer's end-session endpoint (RP-initiated logout),
which ends the Keycloak session too. In development mode the sign-in page lists the demo
accounts with their passwords, as a hint for the Keycloak page; signing in is the same.
"""

from __future__ import annotations

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, redirect, render_template, request, session, url_for

from chassis.errors import AppError
from console.api import ApiError
from console.config import ConsoleSettings
from console.i18n import lang
from console.redirects import local_target
from console.sessions import RefreshRefused, SessionStore
from console.staff_scope import STAFF_ROLES

#: Demo accounts of the development realm (deploy/keycloak/tongxin-realm.dev.json), hinted on the
#: sign-in page in development mode.
DEMO_ACCOUNTS = [
    ("county-admin", "寿光市委统战部 管理员（须设置 TOTP / enrols TOTP）"),
    ("county-evaluator", "寿光市委统战部 评价员"),
    ("county-auditor", "寿光市 审计员"),
    ("town-admin", "圣城街道 管理员（须设置 TOTP / enrols TOTP）"),
    ("town-editor", "圣城街道 编辑"),
    ("community-viewer", "东关社区 查看"),
]
INVALID = "登录未完成，请重试 / Sign-in did not complete; try again"
TIMEOUT = 15


def demo_password(username: str) -> str:
    """The realm file's demo passwords (development only; production imports no demo users)."""
    return f"Tx-{username}-2026"


def install(app: Flask, settings: ConsoleSettings, store_engine) -> SessionStore:
    oauth = OAuth(app)
    provider = oauth.register(
        "keycloak",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=f"{settings.oidc_server_url}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid", "code_challenge_method": "S256", "timeout": TIMEOUT},
    )

    def refresh(refresh_token: str) -> dict:
        try:
            answer = requests.post(
                provider.load_server_metadata()["token_endpoint"],
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": refresh_token,
                    "client_id": settings.oidc_client_id,
                    "client_secret": settings.oidc_client_secret,
                },
                timeout=TIMEOUT,
            )
        except requests.RequestException:
            raise ApiError(503, "身份认证服务暂时无法连接", "The identity provider cannot be reached") from None
        if answer.status_code in (400, 401):  # invalid_grant: the Keycloak session is over
            raise RefreshRefused(answer.text[:200])
        if answer.status_code != 200:
            raise ApiError(503, "身份认证服务出错", f"The identity provider answered {answer.status_code}")
        return answer.json()

    store = SessionStore(store_engine, refresh)
    demo = [(u, label, demo_password(u)) for u, label in DEMO_ACCOUNTS] if settings.development_mode else []

    def fresh_session() -> None:
        language = lang()
        session.clear()
        session["lang"] = language

    @app.route("/login", methods=["GET", "POST"])
    def login():
        if request.method == "POST":
            session["next"] = local_target(request.args.get("next"), url_for("pages.dashboard"))
            return provider.authorize_redirect(
                url_for("auth_callback", _external=True), ui_locales="en" if lang() == "en" else "zh-CN"
            )
        return render_template("login.html", demo=demo, next=request.args.get("next"))

    @app.route("/auth/callback")
    def auth_callback():
        try:
            tokens = provider.authorize_access_token()
            principal = current_app.extensions["console.verifier"].verify(tokens["access_token"])
            username = tokens["userinfo"].get("preferred_username", "")
        except (OAuthError, AppError, KeyError, requests.RequestException) as err:
            current_app.logger.warning("sign-in refused: %s", getattr(err, "description", None) or type(err).__name__)
            return render_template("login.html", demo=demo, error=INVALID, next=None), 401
        target = local_target(session.get("next"), url_for("pages.dashboard"))
        user = {
            "sub": principal.subject,
            "name": principal.name,
            "unit": principal.unit,
            "roles": sorted(principal.roles & set(STAFF_ROLES)),
            "username": username,
        }
        store.close(session.get("sid"))  # signing in again ends the session this browser had
        fresh_session()
        session["sid"] = store.open(user, tokens)
        return redirect(target)

    @app.route("/logout", methods=["POST"])
    def logout():
        ended = store.close(session.get("sid"))
        fresh_session()
        if ended is None:
            return redirect(url_for("login"))
        return provider.logout_redirect(
            post_logout_redirect_uri=url_for("login", _external=True),
            id_token_hint=ended.id_token,
            client_id=settings.oidc_client_id,
        )

    @app.route("/language", methods=["POST"])
    def language():
        # a change of session state: a POST with the CSRF token, so no link or image elsewhere flips it
        session["lang"] = "en" if lang() == "zh" else "zh"
        return redirect(local_target(request.form.get("next"), url_for("pages.dashboard")))

    app.extensions["console.sign_out"] = lambda: (store.close(session.get("sid")), fresh_session())
    return store
