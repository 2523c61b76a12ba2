"""Contracts on the running platform: every event on every topic validates against its schema
and the CloudEvents SDK; every agency feed entry is signed by the gateway's published key; the
AsyncAPI document lists every topic and message actually produced; every service's OpenAPI
document is valid."""

from __future__ import annotations

import json
import time

import requests
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from kafka import KafkaConsumer, TopicPartition
from openapi_spec_validator import validate
from run_platform import SERVICES
from sharing_gateway.domain.signing import verify

from chassis.contracts import contract_for, validate_data
from chassis.events import Envelope
from chassis.kafka import KafkaAccess
from tests.e2e.conftest import service_url
from tests.support.infra import ROOT, say

ASYNCAPI = json.loads((ROOT / "docs" / "asyncapi.json").read_text())


def all_records(access: KafkaAccess, timeout_s: float = 180) -> dict[str, list[bytes]]:
    """Every record of every topic, read to each partition's end offset (a pause between fetches on
    a busy machine must not end the read early, as an idle timeout would)."""
    consumer = KafkaConsumer(metadata_max_age_ms=1000, **access.client_config(), auto_offset_reset="earliest")
    topics = [t for t in consumer.topics() if not t.startswith("__")]
    partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    end = consumer.end_offsets(partitions)
    out: dict[str, list[bytes]] = {t: [] for t in topics}
    deadline = time.monotonic() + timeout_s
    while any(consumer.position(tp) < end[tp] for tp in partitions):
        assert time.monotonic() < deadline, "the topics were not read to their end in time"
        for tp, records in consumer.poll(timeout_ms=1000).items():
            out[tp.topic] += [r.value for r in records]
    consumer.close()
    return out


def test_every_event_on_every_topic_keeps_its_contract(platform):
    records = all_records(KafkaAccess.from_env(platform.kafka.client_env("admin")))
    jwks = requests.get(service_url(platform, "sharing-gateway") + "/.well-known/tongxin-feed-keys", timeout=10).json()[
        "keys"
    ]
    listed = {c["address"]: set(c["messages"]) for c in ASYNCAPI["channels"].values()}
    seen: dict[str, set[str]] = {}
    for topic, values in records.items():
        if topic.endswith(".dlq"):
            assert values == [], f"{len(values)} poison messages in {topic}"
            continue
        for value in values:
            JSONFormat().read(CloudEvent, value)  # the official SDK accepts it
            if topic.startswith("feed."):
                entry = json.loads(value)
                assert verify(entry, jwks) and entry["agency"] == topic.split(".")[1], entry["id"]
                seen.setdefault("feed.{agency}.v1", set()).add("AgencyFeedEntryV1")
                continue
            envelope = Envelope.from_json(value)
            contract = contract_for(envelope.type)
            assert contract.topic == topic
            validate_data(envelope.type, envelope.data)
            seen.setdefault(topic, set()).add(contract.name)
    for topic, names in seen.items():
        assert names <= listed.get(topic, set()), (
            f"{topic}: {names - listed.get(topic, set())} not in the AsyncAPI document"
        )
    say(f"contracts: {sum(len(v) for v in records.values())} records on {len(records)} topics checked; "
        f"{sum(len(n) for n in seen.values())} message types seen")  # fmt: skip
    assert {"registry.person.v1", "evaluation.v1", "servicedesk.v1", "feed.{agency}.v1"} <= set(seen)


def test_every_openapi_document_is_valid(platform):
    for service in SERVICES:
        doc = requests.get(platform.url(service, "/openapi.json"), timeout=10).json()
        validate(doc)
        assert doc["paths"], service.name
