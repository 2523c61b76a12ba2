"""The sharing gateway worker: the policy engine that turns the services' topics into
agencies' feeds, the people view, the people's disclosure records (with the registry's reveals and
exports from ``registry.processing.v1``), the ledger's checkpoints, the retention of processing
records, and the outbox relay (feeds to ``feed.<agency>.v1``, notices to ``gateway.inbound.v1``,
checkpoints to ``gateway.checkpoints.v1``), and the data requests' clocks: grants ending at their end date
(the next policy version), each proposed grant's dry run over history attached, and requests past a
deadline escalated.

    gateway-worker                 # run until SIGTERM or Ctrl-C
    gateway-worker replay-people   # rebuild the people view from the start of the topic
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from chassis import worker
from chassis.consumer import ConsumerRunner, Handler
from chassis.contracts import all_contracts
from chassis.events import Envelope
from chassis.topics import EVALUATION, REGISTRY_PERSON, REGISTRY_PROCESSING, SERVICEDESK
from chassis.unit_of_work import UnitOfWork, joined
from sharing_gateway.adapters.tables import outbox, processed_events
from sharing_gateway.bootstrap import Gateway, bootstrap
from sharing_gateway.service_layer import (
    checkpoints,
    data_answers,
    data_grants,
    disclosure_index,
    dry_run,
    parked_notices,
    read_model,
    retention,
    source_events,
)

#: At most this many source events per topic in the dry run of a proposed grant.
DRY_RUN_LIMIT = 100_000


def _types(topic: str) -> list[str]:
    return [c.type for c in all_contracts() if c.topic == topic]


def person_handler(gw: Gateway, deliver: bool = True) -> Handler:
    """A registry event: the people view, then (unless replaying) delivery with the roles as they
    were before it, and the person's parked notices passed on; all in the consumer's transaction."""

    def use_case(uows: Callable[..., UnitOfWork], envelope: Envelope) -> None:
        before = read_model.apply_person_event(uows, envelope)
        if deliver:
            source_events.on_person_event(uows, gw.delivery, envelope, before)

    return joined(gw.uow, use_case)


def event_handler(gw: Gateway) -> Handler:
    """An evaluation or service-desk event: delivered with the person's roles as they stand."""

    def use_case(uows: Callable[..., UnitOfWork], envelope: Envelope) -> None:
        source_events.on_event(uows, gw.delivery, envelope, read_model.roles_now(uows, envelope.data.get("person_id")))

    return joined(gw.uow, use_case)


def people_consumer(gw: Gateway, deliver: bool = True) -> ConsumerRunner:
    handlers = dict.fromkeys(read_model.PERSON_EVENTS, person_handler(gw, deliver))
    return worker.consumer(gw.settings, gw.engine, processed_events, "people", REGISTRY_PERSON, handlers)


def outcome_consumer(gw: Gateway, name: str, topic: str) -> ConsumerRunner:
    handlers = dict.fromkeys(_types(topic), event_handler(gw))
    return worker.consumer(gw.settings, gw.engine, processed_events, name, topic, handlers)


def processing_handler(gw: Gateway) -> Handler:
    """The registry's reveals and exports of sensitive data, into the people's disclosure records."""

    def use_case(uows: Callable[..., UnitOfWork], envelope: Envelope) -> None:
        with uows() as uow:
            disclosure_index.on_processing(uow, envelope)
            uow.commit()

    return joined(gw.uow, use_case)


def processing_consumer(gw: Gateway) -> ConsumerRunner:
    handlers = dict.fromkeys(_types(REGISTRY_PROCESSING), processing_handler(gw))
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
        worker.Every(2.0, "data grants past their end expired", lambda: data_grants.expire_due(gw.uow, gw.policies)),
        worker.Every(
            5.0,
            "dry runs attached to proposed data grants",
            lambda: dry_run.attach_to_proposals(
                gw.uow,
                gw.policies,
                gw.settings.transform_digest_key(),
                lambda: dry_run.history(gw.settings, DRY_RUN_LIMIT),
            ),
        ),
        worker.Every(
            60.0,
            "data requests past a deadline escalated",
            lambda: data_answers.escalate_overdue(gw.uow, gw.calendar, gw.policies),
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    gw = bootstrap()
    # Rebuilding the view must not deliver anything twice: feeds are left alone.
    replay = worker.PeopleReplay(
        consumer=lambda: people_consumer(gw, deliver=False),
        uow=gw.uow,
        reset=read_model.reset,
        digest=lambda: read_model.digest_of_view(gw.engine),
    )
    return worker.main(gw.settings, lambda: build(gw), "policy engine, people view, relay", argv=argv, replay=replay)


if __name__ == "__main__":
    sys.exit(main())
