"""Faults: Kafka down while users write, and a consumer killed between its two commits."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import threading
import time

import pytest
from kafka import TopicPartition

from chassis import metrics
from chassis.consumer import ConsumerRunner
from chassis.db import make_engine
from chassis.kafka import KafkaAccess, ensure_topics, make_consumer, make_producer
from chassis.relay import OutboxRelay
from tests.support import ledger
from tests.support.infra import ROOT, LocalKafka, say, wait_for

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


@pytest.fixture(scope="module")
def own_broker(tmp_path_factory):
    """A broker of this module's own, so stopping it disturbs no other test."""
    broker = LocalKafka(tmp_path_factory.mktemp("fault-kafka")).start()
    yield broker
    broker.stop()


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    ledger.metadata.create_all(engine)
    yield engine
    engine.dispose()


def pending(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            ledger.sa.select(ledger.sa.func.count()).where(ledger.outbox.c.published_at.is_(None))
        ).scalar()


def backlog_gauge(service: str) -> float:
    return metrics.OUTBOX_BACKLOG.labels(service)._value.get()


def consumer_runner(engine, access, topic, group):
    return ConsumerRunner(
        name=group,
        topics=[topic],
        handlers={ledger.UPDATED: ledger.apply_update},
        engine=engine,
        processed=ledger.processed,
        consumer_factory=lambda group_id: make_consumer(access, group_id),
        producer_factory=lambda: make_producer(access),
    )


def test_kafka_down_for_10s_while_1000_changes_are_written_then_all_arrive_once(engine, own_broker, unique_topic):
    topic = unique_topic("outage")
    access = KafkaAccess.from_env(own_broker.client_env("admin"))
    ensure_topics(access, [topic])
    relay = OutboxRelay(engine, ledger.outbox, lambda: make_producer(access), service="fault", max_backoff=1.0)
    group = unique_topic("group")
    runner = consumer_runner(engine, access, topic, group)
    threads = [threading.Thread(target=t.run_forever, daemon=True) for t in (relay, runner)]
    for t in threads:
        t.start()
    before = [ledger.write_change(engine, f"warm{i}", 1, topic=topic).id for i in range(20)]
    wait_for(lambda: len(ledger.applied_rows(engine)) == 20, 60, message="warm-up delivered")

    own_broker.stop()
    down_at = time.monotonic()
    written, slowest = [], 0.0
    while len(written) < 1000 or time.monotonic() - down_at < 10:
        if len(written) < 1000:
            began = time.monotonic()
            written.append(ledger.write_change(engine, f"p{len(written) % 97}", len(written) + 1, topic=topic).id)
            slowest = max(slowest, time.monotonic() - began)
        else:
            time.sleep(0.1)
    outage = time.monotonic() - down_at
    assert pending(engine) == 1000, "nothing could have been published while Kafka was down"
    # What an operator sees meanwhile: the backlog gauge the relay keeps (every BACKLOG_EVERY_S).
    wait_for(lambda: backlog_gauge("fault") == 1000, 60, message="the backlog gauge shows the outage")
    own_broker.start()

    wait_for(lambda: len(ledger.applied_rows(engine)) >= 1020, 120, interval=0.5, message="all events applied")
    time.sleep(2)  # a late duplicate would land now
    relay.stop()
    runner.stop()
    for t in threads:
        t.join(30)

    rows = ledger.applied_rows(engine)
    counts = collections.Counter(r[0] for r in rows)
    doubled = sum(1 for c in counts.values() if c > 1)
    lost = set(before + written) - set(counts)
    say(
        f"Kafka outage {outage:.1f}s: written {len(written)}, applied {len(rows)}, lost {len(lost)}, "
        f"duplicates {doubled}, slowest write during outage {slowest * 1000:.0f} ms"
    )
    assert outage >= 10
    # Not a speed target: a relay holding a database lock while Kafka hangs stalls
    # writes for its whole delivery timeout (15-30 s); that must never happen.
    assert slowest < 5.0, f"a user's write waited {slowest:.1f}s while Kafka was down"
    assert not lost
    assert doubled == 0
    assert len(rows) == 1020
    assert pending(engine) == 0
    assert relay.measure_backlog()[0] == 0 and backlog_gauge("fault") == 0


def test_consumer_killed_after_db_commit_before_offset_commit_applies_nothing_twice(
    engine, database_url, kafka, unique_topic
):
    topic, group = unique_topic("crash"), unique_topic("group")
    ensure_topics(kafka.access, [topic], partitions=1)
    written = [ledger.write_change(engine, f"p{i % 13}", i + 1).id for i in range(300)]
    with engine.begin() as conn:
        conn.execute(ledger.outbox.update().values(topic=topic))
    relay = OutboxRelay(engine, ledger.outbox, lambda: make_producer(kafka.access), service="crash")
    while relay.publish_pending():
        pass
    relay.close()

    crash = subprocess.run(
        [sys.executable, "-m", "tests.support.crashing_consumer", database_url, topic, group, "120"],
        cwd=ROOT,
        env={**os.environ, **kafka.env(), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=120,
    )
    assert crash.returncode == 9, crash.stderr.decode()[-2000:]
    applied_before_restart = len(ledger.applied_rows(engine))
    probe = make_consumer(kafka.access, group)
    committed = probe.committed(TopicPartition(topic, 0)) or 0
    probe.close()
    assert applied_before_restart == 120
    assert committed < applied_before_restart, "the crash must fall between the DB commit and the offset commit"

    runner = consumer_runner(engine, kafka.access, topic, group)
    thread = threading.Thread(target=runner.run_forever, daemon=True)
    thread.start()
    wait_for(lambda: len(ledger.applied_rows(engine)) >= 300, 60, message="the rest applied")
    time.sleep(1)
    runner.stop()
    thread.join(30)
    ids = [r[0] for r in ledger.applied_rows(engine)]
    say(
        f"consumer crash: applied before kill {applied_before_restart}, offset committed {committed}, "
        f"redelivered {applied_before_restart - committed}, applied in all {len(ids)}, distinct {len(set(ids))}"
    )
    assert sorted(ids) == sorted(written)
