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
    # -- Kafka security (chassis.kafka.KafkaAccess; principals and ACLs in chassis.principals) --
    #: SASL_SSL (TLS + SCRAM-SHA-512, every real broker) or PLAINTEXT (a throwaway test broker).
    kafka_security_protocol: str = "SASL_SSL"
    #: This service's Kafka principal (its SCRAM user), e.g. ``registry``.
    kafka_sasl_username: str = ""
    #: The principal's SCRAM password.
    kafka_sasl_password: str = dataclasses.field(default="", metadata={"secret": True}, repr=False)
    #: PEM file of the CA that signed the brokers' certificates (empty: the system's CAs).
    kafka_ssl_cafile: str = ""
    # -- end of Kafka security --
    #: HMAC secret for staff JWTs (HS256). Production sets a long random value.
    jwt_secret: str = "dev-only-secret-change-me-please-32b"
    #: Audience every staff token must carry.
    jwt_audience: str = "tongxin"
    #: Issuer every staff token must carry.
    jwt_issuer: str = "tongxin-auth"
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
