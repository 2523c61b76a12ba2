"""kafka-python clients configured the one way every service uses them.

Every client is built from a ``KafkaAccess``: where the brokers are and who this process is
to them (TLS + SASL/SCRAM-SHA-512 with its own principal; see ``chassis.principals``). A
service takes it from its settings (``KAFKA_BOOTSTRAP_SERVERS``, ``KAFKA_SECURITY_PROTOCOL``,
``KAFKA_SASL_USERNAME``, ``KAFKA_SASL_PASSWORD``, ``KAFKA_SSL_CAFILE``), tools and tests alike.
"""

from __future__ import annotations

import dataclasses
import logging
import socket
from collections.abc import Iterable, Mapping
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.errors import TopicAlreadyExistsError

from chassis.settings import BaseSettings

log = logging.getLogger(__name__)

#: Partitions per topic: the upper bound of consumer parallelism per group.
DEFAULT_PARTITIONS = 3
SASL_MECHANISM = "SCRAM-SHA-512"


def servers(bootstrap: str) -> list[str]:
    return [s.strip() for s in bootstrap.split(",") if s.strip()]


@dataclasses.dataclass(frozen=True)
class KafkaAccess:
    """Where the brokers are and the credentials this process presents to them."""

    bootstrap_servers: str
    security_protocol: str = "SASL_SSL"
    sasl_username: str = ""
    sasl_password: str = dataclasses.field(default="", repr=False)
    ssl_cafile: str = ""

    @classmethod
    def of(cls, settings: BaseSettings) -> KafkaAccess:
        return cls(
            settings.kafka_bootstrap_servers,
            settings.kafka_security_protocol,
            settings.kafka_sasl_username,
            settings.kafka_sasl_password,
            settings.kafka_ssl_cafile,
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> KafkaAccess:
        """The same variables a service reads (``BaseSettings``), for tools and tests."""
        return cls.of(BaseSettings.from_env(environ))

    def client_config(self) -> dict[str, Any]:
        """kafka-python keyword arguments shared by producers, consumers and admin clients."""
        protocol = self.security_protocol.upper()
        config: dict[str, Any] = {
            "bootstrap_servers": servers(self.bootstrap_servers),
            "security_protocol": protocol,
            # A client asks the broker its version once, when made; kafka-python gives it 2 s and then
            # raises NoBrokersAvailable, which a busy broker (a loaded machine, one just restarted)
            # can miss. A relay or consumer made then would fail to start for nothing.
            "api_version_auto_timeout_ms": API_VERSION_PROBE_MS,
            # A fetch answer may hold up to fetch_max_bytes (50 MiB); kafka-python refuses any frame over
            # 1 MB by default ("Invalid frame length"), so a consumer reading a full topic from the start
            # (a replay, a view rebuilt) failed its fetches once three partitions held a megabyte between them.
            "receive_message_max_bytes": RECEIVE_MAX_BYTES,
        }
        if protocol.startswith("SASL_"):
            config.update(
                sasl_mechanism=SASL_MECHANISM,
                sasl_plain_username=self.sasl_username,
                sasl_plain_password=self.sasl_password,
            )
        if protocol.endswith("SSL"):
            # With a CA file kafka-python requires the broker's certificate to chain to it
            # (CERT_REQUIRED) and to name the host. (A context of our own, passed as
            # ssl_context, left clients hung after a broker restart in the fault tests.)
            config.update(ssl_check_hostname=True, ssl_cafile=self.ssl_cafile or None)
        return config


#: How long a new client waits for the broker to say its version (see ``client_config``).
API_VERSION_PROBE_MS = 15_000
#: The largest answer a client takes from the broker: above a fetch's 50 MiB (see ``client_config``).
RECEIVE_MAX_BYTES = 64 * 1024 * 1024


def make_producer(access: KafkaAccess, **overrides: Any) -> KafkaProducer:
    """Idempotent, acks=all producer; sends fail fast enough for the relay to back off."""
    config = dict(
        **access.client_config(),
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        batch_size=256 * 1024,
        max_block_ms=5_000,
        request_timeout_ms=5_000,
        delivery_timeout_ms=15_000,
        reconnect_backoff_max_ms=2_000,
        client_id="tongxin-relay",
    )
    config.update(overrides)
    return KafkaProducer(**config)


def make_consumer(access: KafkaAccess, group_id: str | None, *topics: str, **overrides: Any) -> KafkaConsumer:
    """A consumer that never auto-commits: offsets move only after the effect is committed."""
    config = dict(
        **access.client_config(),
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=200,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=3_000,
        reconnect_backoff_max_ms=2_000,
        # kafka-python reads the SASL handshake blocking, for up to this long: its default (305 s)
        # left a consumer stuck for minutes on a connection made while the broker restarted.
        request_timeout_ms=30_000,
        # See a topic created after start-up (auto-created by its first producer) within seconds.
        metadata_max_age_ms=5_000,
    )
    config.update(overrides)
    return KafkaConsumer(*topics, **config)


def caught_up(consumer: KafkaConsumer) -> bool:
    """Whether the member has partitions and has read each to its last known end (the highwater the
    broker's fetch answers carry): lag 0. Unknown (no fetch answered yet, no position) is not."""
    assigned = consumer.assignment()
    if not assigned:
        return False
    for tp in assigned:
        end = consumer.highwater(tp)
        position = consumer.position(tp, timeout_ms=0)
        if end is None or position is None or position < end:
            return False
    return True


def make_admin(access: KafkaAccess, **overrides: Any) -> KafkaAdminClient:
    return KafkaAdminClient(**{**access.client_config(), "client_id": "tongxin-admin", **overrides})


def ensure_topics(
    access: KafkaAccess,
    topics: Iterable[str] | Mapping[str, Mapping[str, str]],
    partitions: int = DEFAULT_PARTITIONS,
    replication: int = 1,
) -> None:
    """Create topics that do not exist yet (idempotent); given configs (``chassis.topics.retention``)
    are set on new topics and put back on existing ones."""
    configs = dict(topics) if isinstance(topics, Mapping) else {t: {} for t in topics}
    admin = make_admin(access)
    try:
        existing = set(admin.list_topics())
        wanted = [NewTopic(t, partitions, replication, topic_configs=dict(c)) for t, c in configs.items()]
        missing = [t for t in wanted if t.name not in existing]
        if missing:
            try:
                admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass
        stale = [ConfigResource(ConfigResourceType.TOPIC, t, configs=dict(c)) for t, c in configs.items()
                 if c and t in existing]  # fmt: skip
        if stale:
            admin.alter_configs(stale)
    finally:
        admin.close()


def reachable(bootstrap: str, timeout: float = 1.0) -> bool:
    """True if any bootstrap server accepts a TCP connection (a cheap readiness probe)."""
    for server in servers(bootstrap):
        host, _, port = server.rpartition(":")
        try:
            with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
                return True
        except OSError:
            continue
    return False
