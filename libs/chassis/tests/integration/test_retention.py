"""Retention on the real broker: topics are created with the configs of ``chassis.topics``, and a
read model rebuilt from a compacted entity topic, after compaction has really removed the
superseded snapshots, is identical to the one built from every record (the replay story)."""

from __future__ import annotations

import time
import uuid

import pytest
import sqlalchemy as sa
from kafka import TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType

from chassis import people_view
from chassis.consumer import ConsumerRunner
from chassis.db import make_engine
from chassis.events import Envelope
from chassis.kafka import ensure_topics, make_admin, make_consumer, make_producer
from chassis.processed import processed_events_table
from chassis.topics import REGISTRY_PERSON, platform_topics, retention
from tests.support import ledger
from tests.support.infra import wait_for

pytestmark = pytest.mark.kafka

PEOPLE, VERSIONS = 20, 5


def topic_configs(access, topic: str) -> dict[str, str]:
    admin = make_admin(access)
    try:
        (response,) = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        admin.close()
    return {entry[0]: entry[1] for entry in response.resources[0][4]}


def count_records(access, topic: str) -> int:
    consumer = make_consumer(access, None)
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        seen, idle = 0, 0
        while idle < 2:
            batch = consumer.poll(timeout_ms=500)
            seen += sum(len(r) for r in batch.values())
            idle = 0 if batch else idle + 1
        return seen
    finally:
        consumer.close()


def test_the_platform_topics_carry_their_declared_retention(kafka):
    for topic, wanted in platform_topics().items():
        actual = topic_configs(kafka.access, topic)
        assert {k: actual[k] for k in wanted} == wanted, topic
    assert topic_configs(kafka.access, REGISTRY_PERSON)["cleanup.policy"] == "compact"


def test_a_view_rebuilt_from_the_compacted_entity_topic_has_the_same_digest(kafka, tmp_path):
    topic = f"test.compacted.{uuid.uuid4().hex[:10]}"
    # The entity topic's own policy, with compaction made eager enough to watch in a test.
    eager = {"min.compaction.lag.ms": "0", "segment.ms": "300", "min.cleanable.dirty.ratio": "0.01"}
    ensure_topics(kafka.access, {topic: {**retention(REGISTRY_PERSON), **eager}}, partitions=1)
    producer = make_producer(kafka.access)
    for version in range(1, VERSIONS + 1):
        for i in range(PEOPLE):
            pid = f"person-{i:02d}"
            event = Envelope.new(type=ledger.UPDATED, source=ledger.SOURCE, subject=pid,
                                 data=ledger.snapshot(pid, version, name=f"张{i}第{version}版"))  # fmt: skip
            producer.send(topic, key=pid.encode(), value=event.to_json())
    producer.flush()

    engine = make_engine(f"sqlite:///{tmp_path / 'view.db'}")
    metadata = sa.MetaData()
    view, processed = people_view.people_view_table(metadata), processed_events_table(metadata)
    metadata.create_all(engine)
    runner = ConsumerRunner(
        name=f"compaction-{uuid.uuid4().hex[:6]}",
        topics=[topic],
        handlers={t: lambda s, e: people_view.apply(s, view, e) for t in people_view.PERSON_EVENTS},
        engine=engine,
        processed=processed,
        consumer_factory=lambda group_id: make_consumer(kafka.access, group_id),
        producer_factory=lambda: make_producer(kafka.access),
    )
    assert runner.replay(lambda s: people_view.reset(s, view)) == PEOPLE * VERSIONS
    before = people_view.digest(engine, view)

    # Only closed segments are compacted: one more record, after segment.ms, rolls the segment.
    # Its type is one no consumer handles, so it leaves the view alone.
    time.sleep(1.0)
    marker = Envelope.new(type="cn.tongxin.test.segment_roll.v1", source=ledger.SOURCE, subject="roll", data={})
    producer.send(topic, key=b"roll", value=marker.to_json()).get(10)
    producer.close()
    compacted = wait_for(
        lambda: (n := count_records(kafka.access, topic)) <= PEOPLE + 1 and n, 90, 1.0, "the cleaner to compact"
    )

    after_count = runner.replay(lambda s: people_view.reset(s, view))
    after = people_view.digest(engine, view)
    assert compacted == after_count == PEOPLE + 1  # the newest snapshot of each person, and the marker
    assert after == before
    with engine.connect() as conn:
        assert set(conn.execute(sa.select(view.c.version)).scalars()) == {VERSIONS}
    engine.dispose()
