"""The outbox and the consumer runner against a real Kafka broker, on SQLite and PostgreSQL.

These are the delivery guarantees of architecture.md, each proved with real parts:
ordering per key, exactly-once effects through a relay and a consumer, poison
messages to the DLQ, and replay rebuilding a view.
"""

from __future__ import annotations

import collections
import threading

import pytest
import sqlalchemy as sa
from kafka import KafkaConsumer

from chassis.consumer import ConsumerRunner
from chassis.db import make_engine
from chassis.kafka import KafkaAccess, ensure_topics, make_consumer, make_producer
from chassis.relay import OutboxRelay
from tests.support import ledger
from tests.support.infra import wait_for

pytestmark = pytest.mark.kafka


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    ledger.metadata.create_all(engine)
    yield engine
    engine.dispose()


def publish_all(engine, access, topic) -> int:
    """Route the pending rows to this test's own topic and relay them all."""
    table = ledger.outbox
    with engine.begin() as conn:
        conn.execute(table.update().where(table.c.published_at.is_(None)).values(topic=topic))
    relay = OutboxRelay(engine, table, lambda: make_producer(access), service="test")
    total = 0
    while sent := relay.publish_pending():
        total += sent
    assert relay.publish_pending() == 0
    relay.close()
    return total


def read_topic(access: KafkaAccess, topic: str, expected: int, timeout_s: float = 30) -> list:
    consumer = KafkaConsumer(
        topic,
        metadata_max_age_ms=1000,
        **access.client_config(),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        consumer_timeout_ms=1000,
    )
    records: list = []
    wait_for(lambda: records.extend(consumer) or len(records) >= expected, timeout_s, message=f"{expected} records")
    consumer.close()
    return records


def runner_for(engine, access, topic, name, **kw):
    return ConsumerRunner(
        name=name,
        topics=[topic],
        handlers={ledger.UPDATED: ledger.apply_update},
        engine=engine,
        processed=ledger.processed,
        consumer_factory=lambda group_id: make_consumer(access, group_id),
        producer_factory=lambda: make_producer(access),
        **kw,
    )


def run_in_thread(runnable):
    thread = threading.Thread(target=runnable.run_forever, daemon=True)
    thread.start()
    return thread


def test_events_with_the_same_key_arrive_in_order(engine, kafka, unique_topic):
    topic = unique_topic("order")
    ensure_topics(kafka.access, [topic], partitions=3)
    people = [f"p{i}" for i in range(6)]
    for version in range(1, 41):
        for person in people:
            ledger.write_change(engine, person, version)
    publish_all(engine, kafka.access, topic)
    records = read_topic(kafka.access, topic, 240)
    by_key = collections.defaultdict(list)
    partitions = collections.defaultdict(set)
    for r in records:
        by_key[r.key.decode()].append(ledger.Envelope.from_json(r.value).data["version"])
        partitions[r.key].add(r.partition)
    assert {k: v for k, v in by_key.items()} == {p: list(range(1, 41)) for p in people}
    assert all(len(p) == 1 for p in partitions.values()), "one key, one partition"
    assert len({next(iter(p)) for p in partitions.values()}) > 1, "keys spread over partitions"


def test_relay_publishes_each_pending_row_once_and_marks_it(engine, kafka, unique_topic):
    topic = unique_topic("marks")
    written = [ledger.write_change(engine, f"p{i}", 1).id for i in range(50)]
    assert publish_all(engine, kafka.access, topic) == 50  # and a second pass sends nothing
    ids = [ledger.Envelope.from_json(r.value).id for r in read_topic(kafka.access, topic, 50)]
    assert sorted(ids) == sorted(written)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).where(ledger.outbox.c.published_at.is_(None))).scalar() == 0


def test_poison_messages_go_to_the_dlq_and_the_consumer_carries_on(engine, kafka, unique_topic):
    topic = unique_topic("poison")
    ensure_topics(kafka.access, [topic, topic + ".dlq"], partitions=1)
    producer = make_producer(kafka.access)
    good_before = ledger.write_change(engine, "p1", 1)
    bad_handler = ledger.write_change(engine, "p2", 1, name="POISON")
    good_after = ledger.write_change(engine, "p3", 1)
    publish_all(engine, kafka.access, topic)
    producer.send(topic, key=b"x", value=b"{not an event").get(10)
    broken = ledger.Envelope.new(type=ledger.UPDATED, source="/t", subject="p4", data={"person_id": "p4"})
    producer.send(topic, key=b"p4", value=broken.to_json()).get(10)
    last = ledger.write_change(engine, "p5", 1)
    publish_all(engine, kafka.access, topic)
    producer.close()

    runner = runner_for(engine, kafka.access, topic, "poison-test", max_attempts=3, retry_backoff=0.01)
    thread = run_in_thread(runner)
    wait_for(lambda: len(ledger.applied_rows(engine)) >= 3, 60, message="good events applied")
    dead = read_topic(kafka.access, topic + ".dlq", 3)
    runner.stop()
    thread.join(30)

    assert [r[0] for r in ledger.applied_rows(engine)] == [good_before.id, good_after.id, last.id]
    headers = [dict(r.headers) for r in dead]
    assert [h["error-type"] for h in headers] == [b"RuntimeError", b"PoisonMessage", b"PoisonMessage"]
    assert headers[0]["attempts"] == b"3" and b"cannot be applied" in headers[0]["error"]
    assert b"not JSON" in headers[1]["error"]
    assert b"breaks its contract" in headers[2]["error"]
    assert all(h["original-topic"] == topic.encode() for h in headers)
    assert ledger.Envelope.from_json(dead[0].value).id == bad_handler.id  # the original bytes, untouched


def test_replay_rebuilds_an_identical_view(engine, kafka, unique_topic):
    topic = unique_topic("replay")
    for i in range(30):
        ledger.write_change(engine, f"p{i % 7}", i + 1)
    publish_all(engine, kafka.access, topic)
    runner = runner_for(engine, kafka.access, topic, "replay-test")
    thread = run_in_thread(runner)
    wait_for(lambda: len(ledger.applied_rows(engine)) == 30, 60, message="first pass")
    runner.stop()
    thread.join(30)
    before = sorted(ledger.applied_rows(engine))

    replayer = runner_for(engine, kafka.access, topic, "replay-test")
    assert replayer.replay(ledger.reset_view) == 30
    assert sorted(ledger.applied_rows(engine)) == before


def test_the_runner_says_it_caught_up_only_once_every_record_is_applied(engine, kafka, unique_topic):
    # The supervision evaluates its alerts only once its view caught up (review 22): lag 0 on every
    # partition the member is assigned, none before the broker answered a fetch.
    topic = unique_topic("caught-up")
    ensure_topics(kafka.access, [topic], partitions=3)
    for i in range(60):
        ledger.write_change(engine, f"p{i}", 1)
    publish_all(engine, kafka.access, topic)
    said: list[tuple[int, bool]] = []  # (records applied, caught up) after each poll

    def after_poll(caught_up: bool) -> None:
        said.append((len(ledger.applied_rows(engine)), caught_up))

    runner = runner_for(engine, kafka.access, topic, "caught-up-test", after_poll=after_poll)
    thread = run_in_thread(runner)
    wait_for(lambda: any(yes for _, yes in said), 60, message="caught up")
    runner.stop()
    thread.join(30)
    assert {applied for applied, yes in said if yes} == {60}


def test_only_one_relay_per_service_publishes_on_postgresql(engine, kafka):
    first = OutboxRelay(engine, ledger.outbox, lambda: make_producer(kafka.access), service="leader-test")
    second = OutboxRelay(engine, ledger.outbox, lambda: make_producer(kafka.access), service="leader-test")
    other_service = OutboxRelay(engine, ledger.outbox, lambda: make_producer(kafka.access), service="other")
    try:
        assert first._is_leader()
        postgres = engine.dialect.name == "postgresql"
        assert second._is_leader() is not postgres  # SQLite runs a single worker process
        assert other_service._is_leader()
        first.close()
        assert second._is_leader()
    finally:
        for relay in (first, second, other_service):
            relay.close()
