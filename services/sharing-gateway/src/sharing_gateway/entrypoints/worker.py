"""The sharing gateway worker: the policy engine that turns the services' topics into
agencies' feeds, the people view, the people's disclosure records (with the registry's reveals and
exports from ``registry.processing.v1``), the ledger's checkpoints, the retention of processing
records, and the outbox relay (feeds to ``feed.<agency>.v1``, notices to ``gateway.inbound.v1``,
checkpoints to ``gateway.checkpoints.v1``).

    gateway-worker                 # run until SIGTERM or Ctrl-C
    gateway-worker replay-people   # rebuild the people view from the start of the topic
"""

from __future__ import annotations

import sys

from sqlalchemy.orm import Session

from chassis import worker
from chassis.consumer import ConsumerRunner
from chassis.contracts import all_contracts
from chassis.events import Envelope
from chassis.topics import EVALUATION, REGISTRY_PERSON, REGISTRY_PROCESSING, SERVICEDESK
from chassis.unit_of_work import joining
from sharing_gateway.adapters.tables import outbox, processed_events
from sharing_gateway.bootstrap import Gateway, bootstrap
from sharing_gateway.service_layer import (
    checkpoints,
    disclosure_index,
    parked_notices,
    read_model,
    retention,
    source_events,
)


def _types(topic: str) -> list[str]:
    return [c.type for c in all_contracts() if c.topic == topic]


def people_consumer(gw: Gateway, deliver: bool = True) -> ConsumerRunner:
    def on_person(session: Session, envelope: Envelope) -> None:
        before = read_model.roles_of(session, envelope.data.get("person_id"))
        read_model.apply_person_event(session, envelope)
        if deliver:
            source_events.on_person_event(joining(gw.uow, session), gw.delivery, envelope, before)

    handlers = {t: on_person for t in read_model.PERSON_EVENTS}
    return worker.consumer(gw.settings, gw.engine, processed_events, "people", REGISTRY_PERSON, handlers)


def outcome_consumer(gw: Gateway, name: str, topic: str) -> ConsumerRunner:
    def on_event(session: Session, envelope: Envelope) -> None:
        before = read_model.roles_of(session, envelope.data.get("person_id"))
        source_events.on_event(joining(gw.uow, session), gw.delivery, envelope, before)

    return worker.consumer(gw.settings, gw.engine, processed_events, name, topic, {t: on_event for t in _types(topic)})


def processing_consumer(gw: Gateway) -> ConsumerRunner:
    """The registry's reveals and exports of sensitive data, into the people's disclosure records."""

    def on_processing(session: Session, envelope: Envelope) -> None:
        with joining(gw.uow, session)() as uow:
            disclosure_index.on_processing(uow, envelope)
            uow.commit()

    handlers = {t: on_processing for t in _types(REGISTRY_PROCESSING)}
    return worker.consumer(gw.settings, gw.engine, processed_events, "processing", REGISTRY_PROCESSING, handlers)


def build(gw: Gateway) -> list:
    return [
        worker.relay(gw.settings, gw.engine, outbox),
        people_consumer(gw),
        processing_consumer(gw),
        outcome_consumer(gw, "evaluation", EVALUATION),
        outcome_consumer(gw, "servicedesk", SERVICEDESK),
        worker.Every(
            min(2.0, gw.settings.checkpoint_interval_seconds),
            "ledger checkpoint made at position",
            lambda: checkpoints.make_if_due(gw.uow, gw.delivery, gw.checkpoint_schedule),
        ),
        worker.Every(2.0, "parked notices passed on", lambda: parked_notices.sweep(gw.uow, gw.policies)),
        worker.Every(3600.0, "processing records past retention deleted", lambda: retention.purge(gw.uow)),
    ]


def main(argv: list[str] | None = None) -> int:
    gw = bootstrap()
    # Rebuilding the view must not deliver anything twice: feeds are left alone.
    replay = worker.PeopleReplay(
        lambda: people_consumer(gw, deliver=False), read_model.reset, lambda: read_model.digest_of_view(gw.engine)
    )
    return worker.main(gw.settings, lambda: build(gw), "policy engine, people view, relay", argv=argv, replay=replay)


if __name__ == "__main__":
    sys.exit(main())
