"""The registry worker: outbox relay, evaluation-outcome consumer and spreadsheet import jobs.

    registry-worker            # runs until SIGTERM or Ctrl-C, then stops cleanly

Scale: one worker per database is enough; on PostgreSQL extra workers are safe (one
relay publishes at a time; consumers share the partitions of ``evaluation.v1``).
"""

from __future__ import annotations

import sys

from chassis import kafka, logs, worker
from chassis.consumer import ConsumerRunner
from chassis.relay import OutboxRelay
from chassis.topics import EVALUATION
from registry.adapters.tables import outbox, processed_events
from registry.bootstrap import Registry, bootstrap
from registry.service_layer import evaluation_outcomes
from registry.service_layer.imports import ImportRunner


def build(registry: Registry) -> list:
    s = registry.settings
    relay = OutboxRelay(
        registry.engine,
        outbox,
        lambda: kafka.make_producer(s.kafka_bootstrap_servers),
        poll_interval=s.outbox_poll_interval,
        service=s.service_name,
    )
    consumer = ConsumerRunner(
        name=s.consumer_group("evaluation-outcomes"),
        topics=[EVALUATION],
        handlers={
            evaluation_outcomes.REVOKED: evaluation_outcomes.qualification_revoked(registry.engine, s.id_digest_secret)
        },
        engine=registry.engine,
        processed=processed_events,
        consumer_factory=lambda group_id: kafka.make_consumer(s.kafka_bootstrap_servers, group_id),
        producer_factory=lambda: kafka.make_producer(s.kafka_bootstrap_servers),
    )
    return [relay, consumer, ImportRunner(registry)]


def main(argv: list[str] | None = None) -> int:
    registry = bootstrap()
    logs.configure(registry.settings.service_name + "-worker", registry.settings.log_level)
    return worker.run(build(registry), "relay, evaluation-outcome consumer, import jobs")


if __name__ == "__main__":
    sys.exit(main())
