"""The evaluation worker: outbox relay, the people view from ``registry.person.v1`` and agency
notices from ``gateway.inbound.v1``.

    evaluation-worker                 # run until SIGTERM or Ctrl-C
    evaluation-worker replay-people   # rebuild the people view from the start of the topic
"""

from __future__ import annotations

import sys

from chassis import kafka, logs, worker
from chassis.consumer import ConsumerRunner
from chassis.relay import OutboxRelay
from chassis.topics import GATEWAY_INBOUND, REGISTRY_PERSON
from evaluation.adapters.tables import outbox, processed_events
from evaluation.bootstrap import Evaluation, bootstrap
from evaluation.service_layer import read_model, violations


def _consumer(ev: Evaluation, name: str, topic: str, handlers: dict) -> ConsumerRunner:
    s = ev.settings
    return ConsumerRunner(
        name=name,
        topics=[topic],
        handlers=handlers,
        engine=ev.engine,
        processed=processed_events,
        consumer_factory=lambda group_id: kafka.make_consumer(s.kafka_bootstrap_servers, group_id),
        producer_factory=lambda: kafka.make_producer(s.kafka_bootstrap_servers),
    )


def people_consumer(ev: Evaluation) -> ConsumerRunner:
    return _consumer(
        ev,
        ev.settings.consumer_group("people"),
        REGISTRY_PERSON,
        {t: read_model.apply_person_event for t in read_model.PERSON_EVENTS},
    )


def build(ev: Evaluation) -> list:
    s = ev.settings
    relay = OutboxRelay(
        ev.engine,
        outbox,
        lambda: kafka.make_producer(s.kafka_bootstrap_servers),
        poll_interval=s.outbox_poll_interval,
        service=s.service_name,
    )
    notices = _consumer(
        ev,
        ev.settings.consumer_group("notices"),
        GATEWAY_INBOUND,
        {violations.NOTICE: violations.on_violation_notice, violations.RESCINDED: violations.on_violation_rescinded},
    )
    return [relay, people_consumer(ev), notices]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ev = bootstrap()
    logs.configure(ev.settings.service_name + "-worker", ev.settings.log_level)
    if argv[:1] == ["replay-people"]:
        count = people_consumer(ev).replay(read_model.reset)
        print(f"people view rebuilt from {count} events; digest {read_model.digest_of_view(ev.engine)}")
        return 0
    return worker.run(build(ev), "relay, people view, agency notices")


if __name__ == "__main__":
    sys.exit(main())
