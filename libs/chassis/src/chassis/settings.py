"""Settings from environment variables, with documented defaults.

Every service reads the same base settings; a service extends ``BaseSettings`` with
its own fields. Nothing here connects to anything.

A field that holds a secret is declared ``dataclasses.field(default=..., metadata={"secret":
True})``. ``refuse_unsafe_secrets`` (run by every API and worker at start-up) refuses a
secret that is missing, shorter than 32 bytes or equal to a value shipped in this
repository (an empty one is allowed where ``"empty_disables": True`` says it turns its feature
off, or where ``"required_for": ("worker",)`` says only workers hold it: an API or operator
command needs no Kafka password and is given none), unless ``DEVELOPMENT_MODE`` is on: the
shipped defaults are public, so a service started with one would trust digests, cookies and
scraper tokens anyone can forge. (Staff tokens need no secret here: services verify them with
the identity provider's public keys, ``chassis.oidc``.)
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from typing import Any, Self


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
    # -- Kafka security (chassis.kafka.KafkaAccess; principals and ACLs in chassis.principals) --
    #: SASL_SSL (TLS + SCRAM-SHA-512, every real broker) or PLAINTEXT (a throwaway test broker).
    kafka_security_protocol: str = "SASL_SSL"
    #: This service's Kafka principal (its SCRAM user), e.g. ``registry``.
    kafka_sasl_username: str = ""
    #: The principal's SCRAM password.
    kafka_sasl_password: str = dataclasses.field(
        default="", metadata={"secret": True, "required_for": ("worker",)}, repr=False
    )
    #: PEM file of the CA that signed the brokers' certificates (empty: the system's CAs).
    kafka_ssl_cafile: str = ""
    # -- end of Kafka security --
    #: Issuer (the Keycloak realm's URL) every staff access token must name.
    oidc_issuer: str = "http://127.0.0.1:8080/realms/tongxin"
    #: Audience every staff access token must carry (the realm's staff clients add it).
    oidc_audience: str = "tongxin-api"
    #: The issuer's JWKS (public signing keys), e.g. ``<issuer>/protocol/openid-connect/certs``.
    #: One of it or ``oidc_jwks`` is required: an API verifies staff tokens only against these keys.
    oidc_jwks_url: str = ""
    #: A fixed JWKS document (JSON) instead of the URL: tests, air-gapped installs.
    oidc_jwks: str = ""
    #: Log level for the JSON logs.
    log_level: str = "INFO"
    #: Seconds between outbox relay polls when idle.
    outbox_poll_interval: float = 0.2
    #: Largest body a request may send, in bytes.
    max_content_length: int = 12 * 1024 * 1024
    #: Prefix of this deployment's Kafka consumer group names (default: the service name). The
    #: ACLs let a principal use the groups ``<principal>.*`` only (chassis.principals).
    consumer_group_prefix: str = ""
    #: Reverse proxies in front of the API whose X-Forwarded-For/-Proto to trust (0: none;
    #: the client address is then the TCP peer, which a client cannot forge).
    trusted_proxy_hops: int = 0
    #: Development mode (``make run``): shipped default secrets are accepted and the APIs bind
    #: to loopback only. Never on in production.
    development_mode: bool = False
    #: Bearer token a Prometheus scraper must send to read ``/metrics`` (empty: ``/metrics`` is off).
    metrics_token: str = dataclasses.field(
        default="dev-only-metrics-token-change-me-32b", metadata={"secret": True, "empty_disables": True}
    )
    #: Where the Swagger UI files are (``npm ci`` in libs/chassis): every service serves them at /docs.
    swagger_ui_dir: str = "libs/chassis/node_modules/swagger-ui-dist"
    #: A work calendar (JSON, in the format of ``chassis/data/holidays.json``) that replaces the
    #: shipped one (``chassis.work_calendar``), so a newly published State Council schedule needs
    #: no release; empty: the shipped calendar. Every deadline in working days reads it.
    work_calendar_file: str = ""

    def consumer_group(self, name: str) -> str:
        return f"{self.consumer_group_prefix or self.service_name}.{name}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Self:
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            key = field.name.upper()
            if key in environ:
                values[field.name] = _coerce(environ[key], field.type)
        values.update(overrides)
        return cls(**values)

    def replace(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)

    def refuse_unsafe_secrets(self, role: str = "worker") -> None:
        """Raise ``UnsafeSecret`` naming the first secret that is missing, short or shipped, or a
        worker's Kafka security protocol other than SASL_SSL. ``role`` is the process: ``api``,
        ``admin`` or ``worker``; a secret whose ``required_for`` leaves out the role may be
        absent there (an API holds no Kafka password), but if given must still be strong."""
        if self.development_mode:
            return
        if role == "worker" and self.kafka_security_protocol != "SASL_SSL":
            protocol = self.kafka_security_protocol
            raise UnsafeSecret("KAFKA_SECURITY_PROTOCOL", f"is {protocol!r}", "set it to SASL_SSL (TLS + SCRAM)")
        shipped = SHIPPED_SECRETS | {f.default for f in secret_fields(type(self)) if isinstance(f.default, str)}
        for field in secret_fields(type(self)):
            value, variable = getattr(self, field.name), field.name.upper()
            if not value:
                if field.metadata.get("empty_disables"):
                    continue  # an empty value turns its feature off (e.g. no /metrics at all)
                if role not in field.metadata.get("required_for", (role,)):
                    continue  # not this process's secret: it must not even hold it
                raise UnsafeSecret(variable, "is not set")
            if len(str(value).encode()) < MIN_SECRET_BYTES:
                raise UnsafeSecret(variable, f"is shorter than {MIN_SECRET_BYTES} bytes")
            if value in shipped or str(value).startswith("dev-only-"):
                raise UnsafeSecret(variable, "is a value shipped in the repository")
            if len(set(str(value))) < MIN_DISTINCT_CHARACTERS:
                raise UnsafeSecret(variable, f"has fewer than {MIN_DISTINCT_CHARACTERS} distinct characters")
        password = _database_password(self.database_url)
        if password is not None and (password in SHIPPED_SECRETS or password.endswith("-dev-password")):
            raise UnsafeSecret("DATABASE_URL", "carries a database password shipped in the repository")


#: Shortest secret accepted outside development mode.
MIN_SECRET_BYTES = 32
#: ``"a" * 32`` is long but not random: a random 32+ character value has far more distinct characters.
MIN_DISTINCT_CHARACTERS = 10
#: Values written in this repository's files (defaults, compose, manifests): public, so never secret.
SHIPPED_SECRETS = frozenset(
    {
        "dev-only-id-digest-secret-change-me",
        "dev-only-phone-hash-secret-change-me",
        "dev-only-transform-digest-secret",
        "dev-only-console-cookie-secret-change-me",
        "postgres-dev-password",
    }
)


class UnsafeSecret(RuntimeError):
    """A secret setting that must not be used outside development mode; names its variable."""

    def __init__(self, variable: str, why: str, remedy: str = ""):
        remedy = remedy or (
            f"set it to a random value of at least {MIN_SECRET_BYTES} bytes "
            f"(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
        )
        super().__init__(f"{variable} {why}: {remedy}, or set DEVELOPMENT_MODE=true on a developer machine")
        self.variable = variable


def _database_password(url: str) -> str | None:
    from sqlalchemy.engine import make_url  # parsing only; nothing connects

    try:
        return make_url(url).password
    except Exception:
        return None


def secret_fields(settings_class: type) -> list[dataclasses.Field[Any]]:
    """The settings fields declared with ``metadata={"secret": True}``."""
    return [f for f in dataclasses.fields(settings_class) if f.metadata.get("secret")]


def exit_if_unsafe(settings: BaseSettings, role: str = "worker") -> None:
    """For command-line entry points (workers, ``admin`` commands): print why and exit non-zero
    on an unsafe secret."""
    try:
        settings.refuse_unsafe_secrets(role)
    except UnsafeSecret as exc:
        raise SystemExit(f"refusing to start: {exc}") from None
