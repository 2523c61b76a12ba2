"""The service desk worker: outbox relay, the people view from ``registry.person.v1``, public
security's notices on stability reports from ``gateway.stability.v1`` and the SLA clock sweep.

    servicedesk-worker                 # run until SIGTERM or Ctrl-C
    servicedesk-worker replay-people   # rebuild the people view from the start of the topic
"""

from __future__ import annotations

import sys

from chassis import worker
from chassis.consumer import ConsumerRunner
from chassis.topics import GATEWAY_STABILITY, REGISTRY_PERSON
from chassis.unit_of_work import joined
from servicedesk.adapters.tables import outbox, processed_events
from servicedesk.bootstrap import ServiceDesk, bootstrap
from servicedesk.service_layer import read_model, sla, stability_notices


def people_consumer(desk: ServiceDesk) -> ConsumerRunner:
    handlers = {t: joined(desk.uow, read_model.apply_person_event) for t in read_model.PERSON_EVENTS}
    return worker.consumer(desk.settings, desk.engine, processed_events, "people", REGISTRY_PERSON, handlers)


def stability_notices_consumer(desk: ServiceDesk) -> ConsumerRunner:
    """Public security's notices on severe stability reports; other inbound notices are not ours."""
    apply = joined(desk.uow, stability_notices.apply_notice_event)
    handlers = dict.fromkeys(stability_notices.NOTICE_EVENTS, apply)
    return worker.consumer(
        desk.settings, desk.engine, processed_events, "stability-notices", GATEWAY_STABILITY, handlers
    )


def build(desk: ServiceDesk) -> list:
    # Several workers may sweep at once: each breach is written once (the flag is the guard).
    sweep = worker.Every(
        desk.settings.sla_sweep_interval, "SLA breaches escalated", lambda: sla.sweep(desk.uow, desk.clock())
    )
    relay = worker.relay(desk.settings, desk.engine, outbox)
    return [relay, people_consumer(desk), stability_notices_consumer(desk), sweep]


def main(argv: list[str] | None = None) -> int:
    desk = bootstrap()
    replay = worker.PeopleReplay(
        lambda: people_consumer(desk), desk.uow, read_model.reset, lambda: read_model.digest_of_view(desk.engine)
    )
    what = "relay, people view, stability notices, SLA sweep"
    return worker.main(desk.settings, lambda: build(desk), what, argv=argv, replay=replay)


if __name__ == "__main__":
    sys.exit(main())
