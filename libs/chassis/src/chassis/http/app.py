"""The Flask app factory helper every service builds on.

- flask-smorest: OpenAPI 3 at ``/openapi.json``, Swagger UI at ``/docs``.
- Problem+json for every 4xx/5xx, including validation errors, in Chinese and English.
- Deny by default: every view needs a valid staff access token of the identity provider
  (``chassis.oidc``: verified against its JWKS) unless decorated ``@public``; a token holding no
  staff role (a member's, or an account whose roles were withdrawn) reaches only views decorated
  ``@member_facing``; without
  ``OIDC_JWKS_URL`` (or ``OIDC_JWKS``) the app refuses to build.
- Refuses to build with an unsafe secret outside development mode (``BaseSettings.refuse_unsafe_secrets``).
- Request ids (``X-Request-ID``), W3C ``traceparent``, JSON access logs, Prometheus
  metrics, ``/healthz`` (alive) and ``/readyz`` (database and Kafka).
- Security headers and a Content-Security-Policy on every answer; ``/metrics`` only for a
  scraper holding the ``METRICS_TOKEN`` bearer token (it names every endpoint and its load).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, g, request
from flask.json.provider import DefaultJSONProvider
from flask_smorest import Api
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import HTTPException

from chassis import logs, metrics, tracing
from chassis.auth import MEMBER, Principal
from chassis.errors import AppError, Forbidden, Unauthorized
from chassis.http import docs, headers, probes
from chassis.http.client import trust_proxies
from chassis.http.problems import ProblemSchema, from_app_error, from_http_exception, problem
from chassis.oidc import TokenVerifier
from chassis.settings import BaseSettings

log = logging.getLogger("tongxin.http")
_PUBLIC_ENDPOINTS = {"healthz", "readyz", "metrics", "static", "swagger_ui_assets"}
_DOCS_ENDPOINTS = {"api-docs.openapi_swagger_ui"}


def public(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view as not needing a staff token (it must authenticate callers itself if needed)."""
    setattr(view, "_tongxin_public", True)  # noqa: B010  read back by _marked
    return view


def token_optional(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that serves staff and callers who hold no staff token (an agency with its API
    key): a bearer token, if sent, is verified as for every view and is ``current_principal``;
    without one the view must authenticate the caller itself."""
    setattr(view, "_tongxin_token_optional", True)  # noqa: B010  read back by _marked
    return view


def member_facing(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view a member's token may reach (it checks ``Principal.require_member`` itself); a token
    holding no staff role is refused (403) by every other view."""
    setattr(view, "_tongxin_member_facing", True)  # noqa: B010  read back by _marked
    return view


def current_principal() -> Principal:
    principal = g.get("principal")
    if not isinstance(principal, Principal):
        raise Unauthorized("需要登录令牌", "A bearer token is required")
    return principal


class ServiceApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        return from_http_exception(error)


class ServiceApp:
    """A built app with its Api, so a service can register blueprints on it."""

    def __init__(self, app: Flask, api: Api):
        self.app, self.api = app, api


def create_service_app(
    settings: BaseSettings,
    *,
    title: str,
    version: str = "1.0.0",
    description: str = "",
    engine: sa.Engine | None = None,
) -> ServiceApp:
    settings.refuse_unsafe_secrets("api")  # no Kafka password: an API never uses Kafka
    # root_path: the chassis serves no templates or static files of its own.
    app = Flask(settings.service_name, root_path=str(Path(__file__).resolve().parent))
    app.config.update(
        API_TITLE=title,
        API_VERSION=version,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
            "security": [{"bearer": []}],
        },
        MAX_CONTENT_LENGTH=settings.max_content_length,
        JSON_AS_ASCII=False,
    )
    if isinstance(app.json, DefaultJSONProvider):
        app.json.ensure_ascii = False
    docs.install(app, settings.swagger_ui_dir)
    trust_proxies(app, settings.trusted_proxy_hops)
    api = ServiceApi(app)
    api.ma_plugin.converter.add_attribute_function(_decimal_bounds_as_numbers)
    tokens = TokenVerifier.from_settings(settings)
    _install_request_hooks(app, settings.service_name, tokens, hsts=not settings.development_mode)
    _install_error_handlers(app)
    probes.install(app, settings, engine)
    return ServiceApp(app, api)


def _install_request_hooks(app: Flask, service: str, tokens: TokenVerifier, *, hsts: bool) -> None:
    @app.before_request
    def _begin() -> Response | None:
        g.started = time.perf_counter()
        g.request_id = (request.headers.get("X-Request-ID") or uuid.uuid4().hex)[:64]
        g.tokens = [
            logs.request_id_var.set(g.request_id),
            tracing.bind(tracing.child_of(request.headers.get("traceparent"))),
        ]
        view = app.view_functions.get(request.endpoint or "")
        if (
            request.endpoint is None
            or request.endpoint in _PUBLIC_ENDPOINTS
            or request.endpoint.startswith("api-docs.")
        ):
            return None
        if view is not None and _marked(view, "_tongxin_public"):
            return None
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer ") and view is not None and _marked(view, "_tongxin_token_optional"):
            return None
        if not header.startswith("Bearer "):
            return from_app_error(Unauthorized("需要登录令牌（Authorization: Bearer …）", "A bearer token is required"))
        try:
            g.principal = tokens.verify(header.removeprefix("Bearer ").strip())
        except AppError as err:
            return from_app_error(err)
        if not g.principal.is_staff and (view is None or not _marked(view, "_tongxin_member_facing")):
            # deny by default: a member's token, or an account whose staff roles were all withdrawn
            if MEMBER in g.principal.roles:
                return from_app_error(
                    Forbidden("成员账号不能访问工作人员接口", "A member's token cannot call staff endpoints")
                )
            return from_app_error(Forbidden("该账号没有任何工作人员角色", "This account holds no staff role"))
        return None

    @app.after_request
    def _finish(response: Response) -> Response:
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        metrics.HTTP_LATENCY.labels(service, request.method, endpoint, response.status_code).observe(elapsed)
        response.headers["X-Request-ID"] = g.get("request_id", "")
        csp = headers.DOCS_CSP if request.endpoint in _DOCS_ENDPOINTS else headers.API_CSP
        headers.secure(response, csp, hsts=hsts)
        if tp := tracing.current_traceparent():
            response.headers["traceparent"] = tp
        if endpoint not in ("/metrics", "/healthz", "/readyz"):
            log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={"status": response.status_code, "ms": round(elapsed * 1000, 2), "user": _user()},
            )
        return response

    @app.teardown_request
    def _unbind(_exc: BaseException | None) -> None:
        for token in reversed(g.pop("tokens", [])):
            token.var.reset(token)


def _marked(view: Callable[..., Any], mark: str) -> bool:
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        handler = getattr(view_class, request.method.lower(), None)
        return bool(getattr(view_class, mark, False) or getattr(handler, mark, False))
    return bool(getattr(view, mark, False))


def _user() -> str | None:
    principal = g.get("principal")
    return principal.subject if principal else None


def _decimal_bounds_as_numbers(self: object, field: object, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """OpenAPI wants numbers for a Decimal field's bounds; apispec leaves them as Decimals (or
    strings, for ``as_string`` fields), which would make the document invalid."""
    bounds = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
    return {k: float(v) for k, v in ret.items() if k in bounds and isinstance(v, (Decimal, str))}


def _install_error_handlers(app: Flask) -> None:
    @app.errorhandler(AppError)
    def _app_error(err: AppError) -> Response:
        return from_app_error(err)

    @app.errorhandler(IntegrityError)
    def _integrity(err: IntegrityError) -> Response:
        # A uniqueness race the domain check could not see (two writers at once): nothing was written.
        # The constraint's name, not the driver's message: PostgreSQL's says the key's values.
        diag = getattr(err.orig, "diag", None)
        log.warning("integrity error: %s %s", type(err.orig).__name__, getattr(diag, "constraint_name", None) or "")
        return problem(
            409,
            "conflict",
            "与现有数据冲突",
            "Conflicts with existing data",
            "与同时提交的其他数据冲突，未保存任何内容，请刷新后重试",
            "Conflicts with data written at the same time; nothing was saved, reload and retry",
        )

    @app.errorhandler(DataError)
    def _data_error(err: DataError) -> Response:
        # A value the database cannot hold (a number out of range, say): the caller's input, not our fault.
        log.warning("data error: %s", type(err.orig).__name__)  # the driver's message quotes the value
        return problem(
            422,
            "invalid-input",
            "请求数据无效",
            "Invalid request data",
            "数值超出允许范围或格式不符",
            "A value is out of range or malformed",
        )

    @app.errorhandler(RecursionError)
    def _too_deep(err: RecursionError) -> Response:
        # Only a hostile body nests deeply enough to exhaust the parser's recursion: refuse it.
        log.warning("refused a request body nested too deeply")
        return problem(
            400,
            "too-deeply-nested",
            "请求有误",
            "Bad request",
            "请求内容嵌套层级过深",
            "The request body is nested too deeply",
        )

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> Response:
        if isinstance(err, HTTPException):
            return from_http_exception(err)
        log.exception("unhandled error")
        return problem(
            500,
            "internal-error",
            "服务器内部错误",
            "Internal server error",
            "服务器内部错误，请稍后重试",
            "Unexpected error; try again later",
        )
