"""Run the benchmarks and write bench/reports/<mode>.md and .json.

python -m bench            # full: registry at 10k/100k/1M on SQLite and PostgreSQL, scoring at 23k/200k
python -m bench --quick    # the harness at small sizes (CI keeps it working; numbers not judged)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench import broker, evaluation, gateway, http, pipeline, registry, servicedesk
from bench.report import write
from tests.support.infra import say
from tests.support.kafka_source import KafkaSource
from tests.support.postgres_source import PostgresSource


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "full"
    import_rows = 2_000 if args.quick else 23_000
    sizes = [10_000] if args.quick else [10_000, 100_000, 1_000_000]
    repeats = 20 if args.quick else 100
    scoring = [2_000] if args.quick else [23_000, 200_000]
    desk_requests = 1_000 if args.quick else 100_000
    engine_events = 500 if args.quick else 10_000
    burst, steady = (200, 100) if args.quick else (3_000, 1_000)
    records, perf_records = (2_000, 20_000) if args.quick else (50_000, 300_000)
    http_people, http_seconds = (2_000, 3) if args.quick else (10_000, 10)
    pipe_burst, pipe_steady = (100, 50) if args.quick else (2_000, 500)
    began = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="tongxin-bench-"))
    postgres = PostgresSource().start(tmp)
    # A second, unauthenticated listener on the same broker: the baseline of the TLS + SASL cost.
    kafka = KafkaSource().start(tmp / "kafka", plaintext_listener=True)
    backends = [("SQLite", lambda name: f"sqlite:///{tmp / name}.db")]
    if postgres is not None:
        backends.append(("PostgreSQL", lambda name: postgres.new_database()))
    else:
        say("PostgreSQL not available: SQLite figures only")
    results = []
    finished = False
    try:
        say(f"broker: kafka-python and ProducerPerformance, {records:,} records ...")
        raw, raw_rate = broker.bench_raw(kafka.access, records)
        perf, perf_rate = broker.bench_producer_performance(kafka.access, tmp, perf_records)
        results += raw + perf + broker.bench_relay(kafka.access, tmp, records, raw_rate, perf_rate)
        if kafka.plaintext is not None:
            say(f"broker: the relay over TLS + SASL against PLAINTEXT, {records:,} records, twice each ...")
            results += broker.bench_security_cost(kafka.access, kafka.plaintext, tmp, records)
        else:
            say(f"{kafka.kind}: no PLAINTEXT listener to compare with, TLS + SASL cost not measured")
        say("HTTP: hello-world baseline and the registry API under wrk ...")
        results += http.bench_http(tmp, http_people, http_seconds)
        for backend, url in backends:
            say(f"registry import ({backend}) ...")
            results += registry.bench_import(url("import"), backend, import_rows)
            say(f"registry search ({backend}) at {sizes} ...")
            results += registry.bench_search(url("search"), backend, sizes, repeats)
            say(f"gateway policy engine ({backend}) ...")
            results += gateway.bench_policy_engine(url("gateway"), tmp, engine_events)
        say(f"evaluation scoring at {scoring} ...")
        results += evaluation.bench_scoring(scoring)
        results += evaluation.bench_close_round(f"sqlite:///{tmp / 'evaluation'}.db", scoring[0])
        say(f"service desk lifecycle of {desk_requests:,} requests (SQLite) ...")
        results += servicedesk.bench_lifecycle(f"sqlite:///{tmp / 'servicedesk'}.db", desk_requests)
        say(f"gateway end to end over Kafka ({burst:,} burst, {steady:,} steady) ...")
        results += gateway.bench_end_to_end(f"sqlite:///{tmp / 'gateway-e2e'}.db", tmp, kafka.access, burst, steady)
        say(
            f"pipeline on the running platform ({pipe_burst:,} burst, {pipe_steady:,} steady), the supervision "
            "worker's lag and memory ..."
        )
        results += pipeline.bench_pipeline(tmp, pipe_burst, pipe_steady)
        finished = True
    finally:
        kafka.stop()
        if postgres is not None:
            postgres.stop()
        # A failed step still leaves the figures measured before it (in <mode>-partial.md), and fails the run.
        path = write(results, mode if finished else f"{mode}-partial", time.monotonic() - began)
        print(path.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
