"""Prometheus metrics shared by every service (HTTP, outbox, consumers).

Under gunicorn with several workers, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty
directory and ``/metrics`` aggregates all worker processes.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

HTTP_LATENCY = Histogram(
    "tongxin_http_request_seconds",
    "HTTP request latency",
    ["service", "method", "endpoint", "status"],
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5),
)
OUTBOX_PUBLISHED = Counter("tongxin_outbox_published_total", "Outbox rows published to Kafka", ["service"])
OUTBOX_BACKLOG = Gauge("tongxin_outbox_backlog", "Outbox rows not yet published", ["service"], multiprocess_mode="max")
OUTBOX_AGE = Gauge(
    "tongxin_outbox_oldest_age_seconds",
    "Age of the oldest unpublished outbox row",
    ["service"],
    multiprocess_mode="max",
)
RELAY_FAILURES = Counter("tongxin_outbox_relay_failures_total", "Relay batches that failed and backed off", ["service"])
CONSUMED = Counter("tongxin_consumer_events_total", "Events handled by consumers", ["consumer", "outcome"])
CONSUMER_LAG = Gauge("tongxin_consumer_lag", "Records between committed offset and log end", ["consumer", "topic"])
DEAD_LETTERED = Counter("tongxin_consumer_dead_lettered_total", "Poison messages sent to a DLQ", ["consumer", "topic"])


def exposition() -> tuple[bytes, str]:
    """The text exposition for /metrics, aggregated across processes when configured."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # unannotated upstream
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
