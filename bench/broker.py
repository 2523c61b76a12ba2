"""The broker's limit and the outbox relay against it.

- kafka-python, raw: ``N`` records of about 1 KB produced with the relay's own producer
  settings (idempotent, acks=all), then consumed back; records per second each way.
- Kafka's own ``ProducerPerformance`` (org.apache.kafka.tools, from the kafka-tools jar)
  on the same broker: the broker's limit for 1 KB records with acks=all.
- The outbox relay: ``N`` staged outbox rows (the same 1 KB payloads) published by
  ``chassis.relay.OutboxRelay`` from SQLite, including marking each row published.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from bench.report import Result, Timer
from chassis import kafka
from chassis.db import make_engine
from chassis.events import Envelope, utcnow
from chassis.outbox import Outbox, outbox_table
from chassis.relay import OutboxRelay

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "kafka"))
from local_kafka import LIB  # noqa: E402

PAYLOAD = ("统" * 300 + "x" * 100).encode()  # about 1 KB in UTF-8


def bench_raw(bootstrap: str, n: int) -> tuple[list[Result], float]:
    topic = f"bench-raw-{uuid.uuid4().hex[:6]}"
    producer = kafka.make_producer(bootstrap)
    producer.send(topic, key=b"warm", value=PAYLOAD).get(30)
    with Timer() as produce:
        for i in range(n):
            producer.send(topic, key=str(i % 64).encode(), value=PAYLOAD)
        producer.flush()
    producer.close()
    consumer = kafka.make_consumer(bootstrap, group_id=None, max_poll_records=2000)
    consumer.subscribe([topic])
    seen = 0
    with Timer() as consume:
        while seen < n + 1:
            seen += sum(len(v) for v in consumer.poll(timeout_ms=1000).values())
    consumer.close()
    rate = n / produce.seconds
    return [
        Result("broker", f"kafka-python produce, {n:,} x 1 KB (acks=all, idempotent)", rate, "records/s"),
        Result("broker", f"kafka-python consume, {n:,} x 1 KB", n / consume.seconds, "records/s"),
    ], rate


def bench_producer_performance(bootstrap: str, n: int) -> tuple[list[Result], float]:
    cmd = [
        "java", "-Xmx512m", "-cp", f"{LIB}/*", "org.apache.kafka.tools.ProducerPerformance",
        "--topic", f"bench-perf-{uuid.uuid4().hex[:6]}", "--num-records", str(n), "--record-size", "1000",
        "--throughput", "-1", "--producer-props", f"bootstrap.servers={bootstrap}", "acks=all",
    ]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=True).stdout
    final = [line for line in out.splitlines() if "records sent" in line][-1]
    rate = float(re.search(r"([\d.]+) records/sec", final).group(1))
    return [Result("broker", f"Kafka ProducerPerformance, {n:,} x 1 KB (acks=all)", rate, "records/s",
                   note=final.strip())], rate  # fmt: skip


def bench_relay(bootstrap: str, tmp: Path, n: int, raw_rate: float, broker_rate: float) -> list[Result]:
    engine = make_engine(f"sqlite:///{tmp / 'relay'}.db")
    metadata = sa.MetaData()
    table = outbox_table(metadata)
    metadata.create_all(engine)
    topic = f"bench-relay-{uuid.uuid4().hex[:6]}"
    envelope = Envelope.new(type="bench", source="/bench", subject="s", data={})
    with engine.begin() as conn:
        rows = []
        for i in range(n):
            row = Outbox.envelope_row(topic, envelope)
            row.update(event_id=f"{i}", key=str(i % 64), payload=PAYLOAD, created_at=utcnow())
            rows.append(row)
        conn.execute(table.insert(), rows)
    relay = OutboxRelay(engine, table, lambda: kafka.make_producer(bootstrap), poll_interval=0.01, service="bench")
    thread = threading.Thread(target=relay.run_forever, daemon=True)
    began = time.perf_counter()
    thread.start()
    while True:
        with engine.connect() as conn:
            left = conn.execute(sa.select(sa.func.count()).where(table.c.published_at.is_(None))).scalar()
        if left == 0:
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - began
    relay.stop()
    thread.join(30)
    engine.dispose()
    rate = n / seconds
    return [
        Result("broker", f"outbox relay (SQLite), {n:,} x 1 KB", rate, "records/s",
               baseline="kafka-python produce (records/s)", baseline_value=raw_rate,
               target=">= 50% of kafka-python", met=rate >= 0.5 * raw_rate,
               note=f"against Kafka's ProducerPerformance: {rate / broker_rate:.2f}"),
    ]  # fmt: skip
