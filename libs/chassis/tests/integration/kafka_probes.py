"""Probing what a Kafka principal may do on the real broker: write a probe record, read a topic
within a time budget, tell a refusal (an authorization error) from an empty topic."""

from __future__ import annotations

import time

from kafka.errors import (
    ClusterAuthorizationFailedError,
    TopicAuthorizationFailedError,
)

from chassis.events import Envelope
from chassis.kafka import KafkaAccess, make_consumer, make_producer

PROBE = "cn.tongxin.test.security_probe.v1"


def probe() -> bytes:
    return Envelope.new(type=PROBE, source="/tongxin/test", subject="probe", data={}).to_json()


WRITE_REFUSED = (TopicAuthorizationFailedError, ClusterAuthorizationFailedError)


KNOWN_VERSION = {"api_version": (4, 0)}


def send(access: KafkaAccess, topic: str) -> None:
    producer = make_producer(
        access, max_block_ms=4_000, request_timeout_ms=4_000, delivery_timeout_ms=8_000, **KNOWN_VERSION
    )
    try:
        producer.send(topic, key=b"probe", value=probe()).get(10)
    finally:
        producer.close(timeout=2)


def read(access: KafkaAccess, topic: str, group: str | None = None, budget_s: float = 4.0) -> int:
    """Records of ``topic`` seen from its start. kafka-python only logs a topic it may not
    read (the metadata answer names it unauthorised), so refusal shows as nothing arriving
    from a topic known to hold records (``seeded``)."""
    consumer = make_consumer(access, group, topic, **KNOWN_VERSION)
    try:
        seen, deadline = 0, time.monotonic() + budget_s
        while time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=500)
            seen += sum(len(r) for r in batch.values())
            if seen and not batch:
                break
        return seen
    finally:
        consumer.close(autocommit=False)


def read_refused(access: KafkaAccess, topic: str, group: str | None = None, budget_s: float = 3.0) -> bool:
    """A topic it may describe but not read fails the fetch; one it may not even describe
    yields nothing, though ``seeded`` put a record there."""
    try:
        return read(access, topic, group, budget_s) == 0
    except TopicAuthorizationFailedError:
        return True


def granted(access: KafkaAccess, topic: str) -> bool:
    try:
        send(access, topic)
        return True
    except WRITE_REFUSED:  # ACL changes reach the authorizer within moments
        return False
