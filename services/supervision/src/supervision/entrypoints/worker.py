"""The supervision worker: one consumer keeps the view from the four topics it may read.

    supervision-worker           # run until SIGTERM or Ctrl-C
    supervision-worker replay    # rebuild the whole view from the start of the four topics; prints its digest

It reads ``registry.person.v1`` (people, for the people figures and to place a violation
notice), ``evaluation.v1`` (scores, vetoes, decisions), ``servicedesk.v1`` (requests,
breaches, suggestions, activities, donations) and ``gateway.inbound.v1`` (the agencies'
violation notices and rescissions, of which it keeps the notice id, agency, time and the
person's ID digest, never the case); never an agency's feed. It writes nothing yet but the
dead letters of what it reads (its own topic, ``supervision.v1``, carries alerts: part 2).
"""

from __future__ import annotations

import sys

from chassis import worker
from chassis.consumer import ConsumerRunner
from chassis.topics import EVALUATION, GATEWAY_INBOUND, REGISTRY_PERSON, SERVICEDESK
from chassis.unit_of_work import joined
from supervision.adapters.tables import outbox, processed_events
from supervision.bootstrap import Supervision, bootstrap
from supervision.service_layer import view

TOPICS = (REGISTRY_PERSON, EVALUATION, SERVICEDESK, GATEWAY_INBOUND)


def view_consumer(sv: Supervision) -> ConsumerRunner:
    handlers = {t: joined(sv.uow, view.apply_person_event) for t in view.PERSON_EVENTS}
    handlers.update({t: joined(sv.uow, view.record_fact) for t in view.FACT_EVENTS})
    return worker.consumer(sv.settings, sv.engine, processed_events, "view", TOPICS, handlers)


def build(sv: Supervision) -> list:
    return [worker.relay(sv.settings, sv.engine, outbox), view_consumer(sv)]


def main(argv: list[str] | None = None) -> int:
    sv = bootstrap()
    replay = worker.PeopleReplay(lambda: view_consumer(sv), sv.uow, view.reset, lambda: view.digest_of_view(sv.engine))
    return worker.main(sv.settings, lambda: build(sv), "relay, supervision view", argv=argv, replay=replay,
                       replay_command="replay")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
