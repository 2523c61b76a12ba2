"""What an agency would have received under a policy it does not have yet: the dry run over history.

The source topics are read from the beginning (``history``: at most ``limit`` events per topic, no
consumer group, no offsets committed) and each event goes through the rules the worker applies
(``admission.refusal``, then ``policy.apply``, with the person's roles as the people view holds them
now). Nothing is written: no feed, no ledger. The operator runs it on a draft policy file
(``gateway-admin dry-run``); the worker runs it on each proposed data grant and attaches the summary
to the decision (``attach_to_proposals``), so the second gateway admin sees what the agency would have
received (events per type and the fields they carry) before approving.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import sqlalchemy as sa
from kafka import TopicPartition

from chassis import kafka
from chassis.digests import DigestKey
from chassis.events import Envelope
from chassis.settings import BaseSettings
from chassis.topics import EVALUATION, REGISTRY_PERSON, SERVICEDESK
from sharing_gateway.adapters.data_request_tables import data_requests
from sharing_gateway.domain import admission
from sharing_gateway.domain import grants as rule
from sharing_gateway.domain import policy as policies
from sharing_gateway.service_layer import data_grants, read_model
from sharing_gateway.service_layer.unit_of_work import UowFactory

SOURCES = (REGISTRY_PERSON, EVALUATION, SERVICEDESK)
#: The source topics' history as (topic, offset, event).
History = Callable[[], Iterable[tuple[str, int, Envelope]]]


@dataclasses.dataclass(frozen=True)
class Outcome:
    topic: str
    offset: int
    envelope: Envelope
    data: dict[str, Any] | None  # None: withheld by region or audience


def history(settings: BaseSettings, limit: int) -> Iterator[tuple[str, int, Envelope]]:
    """The source topics from their beginning, at most ``limit`` events each."""
    consumer = kafka.make_consumer(kafka.KafkaAccess.of(settings), group_id=None)
    try:
        for topic in SOURCES:
            partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
            if not partitions:
                continue
            consumer.assign(partitions)
            consumer.seek_to_beginning(*partitions)
            end = consumer.end_offsets(partitions)
            seen = 0
            while seen < limit and any(consumer.position(tp) < end[tp] for tp in partitions):
                for records in consumer.poll(timeout_ms=1000).values():
                    for record in records:
                        seen += 1
                        yield topic, record.offset, Envelope.from_json(record.value)
    finally:
        consumer.close()


Event = tuple[str, int, Envelope]


def outcomes(
    uow_factory: UowFactory, draft: policies.Policy, transform_key: DigestKey, events: Iterable[Event]
) -> Iterator[Outcome]:
    """What ``draft`` would have delivered of ``events`` (events of types it does not grant are skipped)."""
    for topic, offset, envelope in events:
        if draft.share_for(envelope.type) is None:
            continue
        before = read_model.roles_now(uow_factory, envelope.data.get("person_id"))
        if admission.refusal(draft, envelope.type, envelope.data, before) is not None:
            yield Outcome(topic, offset, envelope, None)
            continue
        yield Outcome(topic, offset, envelope, policies.apply(draft, envelope.type, envelope.data, transform_key))


def summary(draft: policies.Policy, results: Iterable[Outcome], watched: Iterable[Mapping] = ()) -> dict[str, Any]:
    """Counts per event type and the fields delivered; ``watched`` ([{event, fields}]): how many of the
    deliveries would have carried those (the granted) fields."""
    events: dict[str, dict[str, Any]] = {}
    withheld = 0
    granted = {i["event"]: set(i["fields"]) for i in watched}
    for r in results:
        if r.data is None:
            withheld += 1
            continue
        seen = events.setdefault(r.envelope.type, {"delivered": 0, "fields": set(), "with_granted_fields": 0})
        seen["delivered"] += 1
        seen["fields"] |= set(r.data)
        seen["with_granted_fields"] += bool(granted.get(r.envelope.type, set()) & set(r.data))
    return {
        "policy_version": draft.version_label,
        "withheld_by_region_or_audience": withheld,
        "events": {t: {**v, "fields": sorted(v["fields"])} for t, v in sorted(events.items())},
    }


def attach_to_proposals(
    uow_factory: UowFactory,
    policies_: Mapping[str, policies.Policy],
    transform_key: DigestKey,
    source: History,
) -> int:
    """The worker: for each proposed grant without its dry run, what the agency would have received
    under the policy the grant would make, attached to the decision."""
    with uow_factory() as uow:
        waiting = (
            uow.session.execute(sa.select(data_requests).where(data_requests.c.state == "proposed")).mappings().all()
        )
        drafts = []
        for row in waiting:
            decision = row["decision"] or {}
            if "dry_run" in decision or row["agency"] not in policies_:
                continue
            now_ = data_grants.effective_one(uow, policies_, row["agency"])
            ends = rule.ends_at(dt.date.fromisoformat(decision["ends_on"]))
            grants_ = [
                rule.Grant(i["event"], tuple(i["fields"]), decision["region"], row["purpose"], ends)
                for i in decision["items"]
            ]
            drafts.append((row, rule.compose(now_, grants_, now_.revision + 1)))
    done = 0
    for row, draft in drafts:
        decision = row["decision"]
        result = summary(draft, outcomes(uow_factory, draft, transform_key, source()), decision["items"])
        with uow_factory() as uow:
            done += uow.session.execute(
                data_requests.update()
                .where(data_requests.c.id == row["id"], data_requests.c.state == "proposed")
                .values(decision={**decision, "dry_run": result})
            ).rowcount
            uow.commit()
    return done
