"""The broker's limit and the outbox relay against it.

- kafka-python, raw: ``N`` records of about 1 KB produced with the relay's own producer
  settings (idempotent, acks=all), then consumed back; records per second each way.
- Kafka's own ``ProducerPerformance`` (org.apache.kafka.tools, from the kafka-tools jar)
  on the same broker: the broker's limit for 1 KB records with acks=all.
- The outbox relay: ``N`` staged outbox rows (the same 1 KB payloads) published by
  ``chassis.relay.OutboxRelay`` from SQLite, including marking each row published.
- The cost of TLS + SASL/SCRAM-SHA-512: the same relay run against the same broker's
  unauthenticated PLAINTEXT listener (opened for the benchmark only; its ANONYMOUS clients
  may only create and write ``bench-relay-*`` topics) and its SASL_SSL one, in the same run.

Everything else runs as the platform does, over SASL_SSL (as the admin principal).
"""

from __future__ import annotations

import os
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


def bench_raw(access: kafka.KafkaAccess, n: int) -> tuple[list[Result], float]:
    topic = f"bench-raw-{uuid.uuid4().hex[:6]}"
    producer = kafka.make_producer(access)
    producer.send(topic, key=b"warm", value=PAYLOAD).get(30)
    with Timer() as produce:
        for i in range(n):
            producer.send(topic, key=str(i % 64).encode(), value=PAYLOAD)
        producer.flush()
    producer.close()
    consumer = kafka.make_consumer(access, group_id=None, max_poll_records=2000)
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


def java_client_properties(access: kafka.KafkaAccess, path: Path) -> Path:
    """The same access as a Java client's properties file (mode 0600: it holds a password)."""
    lines = [f"bootstrap.servers={access.bootstrap_servers}", f"security.protocol={access.security_protocol}"]
    if access.security_protocol.startswith("SASL_"):
        lines += [
            f"sasl.mechanism={kafka.SASL_MECHANISM}",
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
            f'username="{access.sasl_username}" password="{access.sasl_password}";',
        ]
    if access.ssl_cafile:
        lines += ["ssl.truststore.type=PEM", f"ssl.truststore.location={access.ssl_cafile}"]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write("\n".join(lines) + "\n")
    return path


def bench_producer_performance(access: kafka.KafkaAccess, tmp: Path, n: int) -> tuple[list[Result], float]:
    cmd = [
        "java", "-Xmx512m", "-cp", f"{LIB}/*", "org.apache.kafka.tools.ProducerPerformance",
        "--topic", f"bench-perf-{uuid.uuid4().hex[:6]}", "--num-records", str(n), "--record-size", "1000",
        "--throughput", "-1", "--producer.config", str(java_client_properties(access, tmp / "perf.properties")),
        "--producer-props", "acks=all",
    ]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=True).stdout
    final = [line for line in out.splitlines() if "records sent" in line][-1]
    rate = float(re.search(r"([\d.]+) records/sec", final).group(1))
    return [Result("broker", f"Kafka ProducerPerformance, {n:,} x 1 KB (acks=all)", rate, "records/s",
                   note=final.strip())], rate  # fmt: skip


def relay_rate(access: kafka.KafkaAccess, tmp: Path, n: int) -> float:
    """Records per second of the outbox relay publishing ``n`` staged 1 KB rows from SQLite."""
    engine = make_engine(f"sqlite:///{tmp / f'relay-{uuid.uuid4().hex[:6]}'}.db")
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
    relay = OutboxRelay(engine, table, lambda: kafka.make_producer(access), poll_interval=0.01, service="bench")
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
    return n / seconds


def bench_relay(access: kafka.KafkaAccess, tmp: Path, n: int, raw_rate: float, broker_rate: float) -> list[Result]:
    rate = relay_rate(access, tmp, n)
    return [
        Result("broker", f"outbox relay (SQLite), {n:,} x 1 KB", rate, "records/s",
               baseline="kafka-python produce (records/s)", baseline_value=raw_rate,
               target=">= 50% of kafka-python", met=rate >= 0.5 * raw_rate,
               note=f"against Kafka's ProducerPerformance: {rate / broker_rate:.2f}"),
    ]  # fmt: skip


def bench_security_cost(secured: kafka.KafkaAccess, plaintext: kafka.KafkaAccess, tmp: Path, n: int) -> list[Result]:
    """The relay over TLS + SASL/SCRAM against the same broker's PLAINTEXT listener, alternated
    twice each so that a warming JVM or a busy neighbour does not favour one side."""
    rates: dict[str, list[float]] = {"plain": [], "secured": []}
    for _ in range(2):
        rates["plain"].append(relay_rate(plaintext, tmp, n))
        rates["secured"].append(relay_rate(secured, tmp, n))
    plain, safe = max(rates["plain"]), max(rates["secured"])
    return [
        Result("broker", f"outbox relay over TLS + SASL/SCRAM-SHA-512, {n:,} x 1 KB", safe, "records/s",
               baseline="the same relay over PLAINTEXT, same broker, same run (records/s)", baseline_value=plain,
               note=f"cost of TLS + SASL: {(1 - safe / plain) * 100:.0f}% of the relay's throughput "
                    f"(best of 2 runs each; runs: plain {', '.join(f'{r:,.0f}' for r in rates['plain'])}, "
                    f"secured {', '.join(f'{r:,.0f}' for r in rates['secured'])})"),
    ]  # fmt: skip
