"""kafka-python clients configured the one way every service uses them."""

from __future__ import annotations

import logging
import socket

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

log = logging.getLogger(__name__)

#: Partitions per topic: the upper bound of consumer parallelism per group.
DEFAULT_PARTITIONS = 3


def servers(bootstrap: str) -> list[str]:
    return [s.strip() for s in bootstrap.split(",") if s.strip()]


def make_producer(bootstrap: str, **overrides) -> KafkaProducer:
    """Idempotent, acks=all producer; sends fail fast enough for the relay to back off."""
    config = dict(
        bootstrap_servers=servers(bootstrap),
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


def make_consumer(bootstrap: str, group_id: str | None, **overrides) -> KafkaConsumer:
    """A consumer that never auto-commits: offsets move only after the effect is committed."""
    config = dict(
        bootstrap_servers=servers(bootstrap),
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=200,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=3_000,
        reconnect_backoff_max_ms=2_000,
        # See a topic created after start-up (auto-created by its first producer) within seconds.
        metadata_max_age_ms=5_000,
    )
    config.update(overrides)
    return KafkaConsumer(**config)


def ensure_topics(
    bootstrap: str, topics: list[str], partitions: int = DEFAULT_PARTITIONS, replication: int = 1
) -> None:
    """Create topics that do not exist yet (idempotent)."""
    admin = KafkaAdminClient(bootstrap_servers=servers(bootstrap), client_id="tongxin-admin")
    try:
        existing = set(admin.list_topics())
        wanted = [NewTopic(t, partitions, replication) for t in topics if t not in existing]
        if wanted:
            try:
                admin.create_topics(wanted)
            except TopicAlreadyExistsError:
                pass
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
