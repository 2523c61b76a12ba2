"""The evaluation worker: outbox relay, the people view from ``registry.person.v1`` and agency
notices from ``gateway.inbound.v1``.

    evaluation-worker                 # run until SIGTERM or Ctrl-C
    evaluation-worker replay-people   # rebuild the people view from the start of the topic
"""

from __future__ import annotations

import sys

from chassis import worker
from chassis.consumer import ConsumerRunner
from chassis.contracts.gateway import VIOLATION_NOTICE, VIOLATION_RESCINDED
from chassis.topics import GATEWAY_INBOUND, REGISTRY_PERSON
from chassis.unit_of_work import joined
from evaluation.adapters.tables import outbox, processed_events
from evaluation.bootstrap import Evaluation, bootstrap
from evaluation.service_layer import read_model, violations


def people_consumer(ev: Evaluation) -> ConsumerRunner:
    handlers = {t: joined(ev.uow, read_model.apply_person_event) for t in read_model.PERSON_EVENTS}
    return worker.consumer(ev.settings, ev.engine, processed_events, "people", REGISTRY_PERSON, handlers)


def build(ev: Evaluation) -> list:
    notices = {
        VIOLATION_NOTICE: joined(ev.uow, violations.on_violation_notice),
        VIOLATION_RESCINDED: joined(ev.uow, violations.on_violation_rescinded),
    }
    return [
        worker.relay(ev.settings, ev.engine, outbox),
        people_consumer(ev),
        worker.consumer(ev.settings, ev.engine, processed_events, "notices", GATEWAY_INBOUND, notices),
    ]


def main(argv: list[str] | None = None) -> int:
    ev = bootstrap()
    replay = worker.PeopleReplay(
        lambda: people_consumer(ev), ev.uow, read_model.reset, lambda: read_model.digest_of_view(ev.engine)
    )
    return worker.main(ev.settings, lambda: build(ev), "relay, people view, agency notices", argv=argv, replay=replay)


if __name__ == "__main__":
    sys.exit(main())
