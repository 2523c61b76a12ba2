"""Settings from environment variables, with documented defaults.

Every service reads the same base settings; a service extends ``BaseSettings`` with
its own fields. Nothing here connects to anything.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from typing import Any


def _coerce(value: str, kind: Any) -> Any:
    if kind in (bool, "bool"):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if kind in (int, "int"):
        return int(value)
    if kind in (float, "float"):
        return float(value)
    return value


@dataclasses.dataclass(frozen=True)
class BaseSettings:
    """Base settings shared by every service (env var = upper-cased field name)."""

    service_name: str = "tongxin"
    #: SQLAlchemy URL of the service's own database.
    database_url: str = "sqlite:///var/tongxin.db"
    #: Comma-separated Kafka bootstrap servers.
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    #: HMAC secret for staff JWTs (HS256). Production sets a long random value.
    jwt_secret: str = "dev-only-secret-change-me-please-32b"
    #: Audience every staff token must carry.
    jwt_audience: str = "tongxin"
    #: Issuer every staff token must carry.
    jwt_issuer: str = "tongxin-auth"
    #: Issuer (the Keycloak realm's URL) every staff access token must name.
    oidc_issuer: str = "http://127.0.0.1:8080/realms/tongxin"
    #: Audience every staff access token must carry (the realm's staff clients add it).
    oidc_audience: str = "tongxin-api"
    #: The issuer's JWKS (public signing keys); empty: Keycloak's path under the issuer.
    oidc_jwks_url: str = ""
    #: A fixed JWKS document (JSON) instead of the URL: tests, air-gapped installs.
    oidc_jwks: str = ""
    #: Log level for the JSON logs.
    log_level: str = "INFO"
    #: Seconds between outbox relay polls when idle.
    outbox_poll_interval: float = 0.2
    #: Largest body a request may send, in bytes.
    max_content_length: int = 12 * 1024 * 1024
    #: Prefix of this deployment's Kafka consumer group names (default: the service name).
    consumer_group_prefix: str = ""
    #: Reverse proxies in front of the API whose X-Forwarded-For/-Proto to trust (0: none;
    #: the client address is then the TCP peer, which a client cannot forge).
    trusted_proxy_hops: int = 0
    #: Explicit development mode (``make run``): weak secrets are allowed and demo sign-in is
    #: offered. Never set it in production.
    development_mode: bool = False
    #: Bearer token a Prometheus scraper must send to read ``/metrics`` (empty: ``/metrics`` is off).
    metrics_token: str = dataclasses.field(default="dev-only-metrics-token-change-me-32b", metadata={"secret": True})
    #: Where the Swagger UI files are (``npm ci`` in libs/chassis): every service serves them at /docs.
    swagger_ui_dir: str = "libs/chassis/node_modules/swagger-ui-dist"

    def consumer_group(self, name: str) -> str:
        return f"{self.consumer_group_prefix or self.service_name}.{name}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any):
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            key = field.name.upper()
            if key in environ:
                values[field.name] = _coerce(environ[key], field.type)
        values.update(overrides)
        return cls(**values)

    def replace(self, **changes: Any):
        return dataclasses.replace(self, **changes)
