"""Sharing gateway benchmarks: the policy engine's delivery rate, and the latency from an event
entering Kafka to its availability in an agency's HTTP feed.

- Policy engine: N registry events about CPPCC members delivered through
  ``feeds.deliver`` in consumer-sized transactions (200 events): filter, sequence,
  sign (Ed25519), store, stage for ``feed.cppcc.v1``, chain into the ledger. Baseline:
  the policy filter alone (``policy.apply``) on the same events, the CPU floor.
- End to end: the gateway worker runs against the real broker; events are produced
  to ``registry.person.v1`` and the CPPCC's HTTP feed is long-polled. First a burst
  gives the saturation rate; then events are produced at half of it, one by one, and
  each one's latency (produced -> returned by ``GET /feed``) is measured.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
import uuid
from pathlib import Path

from kafka import KafkaProducer
from sharing_gateway.bootstrap import bootstrap
from sharing_gateway.config import GatewaySettings
from sharing_gateway.domain import policy as policies
from sharing_gateway.entrypoints.api.app import create_app
from sharing_gateway.entrypoints.worker import build
from sharing_gateway.service_layer import agencies, feeds

from bench.report import Result, Timer, percentiles
from chassis.events import Envelope
from chassis.kafka import KafkaAccess
from chassis.topics import REGISTRY_PERSON
from tests.support.tokens import trusted

ROOT = Path(__file__).resolve().parents[1]
BATCH = 200


def member_event(n: int, run: str) -> Envelope:
    pid = f"{run}-{n:07d}"
    return Envelope.new(
        type="cn.tongxin.registry.person.updated.v1",
        source="/tongxin/registry",
        subject=pid,
        data={
            "person_id": pid,
            "version": 1,
            "name": "王小明",
            "gender": "male",
            "birth_year": 1970,
            "unit_code": "370783001001",
            "id_digest": "0" * 64,
            "status": "active",
            "categories": ["non_party_representative"],
            "representative_roles": [{"body": "cppcc", "level": "county", "title": None, "since": None}],
            "employer": "寿光市某企业",
            "position": "董事长",
            "changed_fields": ["employer"],
        },
    )


def _gateway(url: str, tmp: Path, access: KafkaAccess | None = None):
    access = access or KafkaAccess("127.0.0.1:1", security_protocol="PLAINTEXT")
    gw = bootstrap(
        GatewaySettings(
            database_url=url,
            **{f"kafka_{f.name}": getattr(access, f.name) for f in dataclasses.fields(access)},
            policy_dir=str(ROOT / "deploy" / "policies"),
            signing_key_file=str(tmp / "bench-signing.pem"),
            outbox_poll_interval=0.02,
            consumer_group_prefix=f"bench-{uuid.uuid4().hex[:6]}",
            development_mode=True,  # a developer's machine: the shipped secrets are fine
            **trusted(),  # no staff calls are timed; the API needs an identity provider to start
        )
    )
    gw.migrate()
    return gw


def bench_policy_engine(url: str, tmp: Path, n: int) -> list[Result]:
    gw = _gateway(url, tmp)
    events = [member_event(i, "pe") for i in range(n)]
    cppcc = gw.policies["cppcc"]
    with Timer() as floor:
        for e in events:
            policies.apply(cppcc, e.type, e.data, gw.settings.transform_digest_key())
    with Timer() as t:
        for start in range(0, n, BATCH):
            with gw.uow() as uow:  # as the worker's consumer transaction: a batch, one commit
                for e in events[start : start + BATCH]:
                    feeds.deliver(uow, gw.delivery, e, [])
                uow.commit()
    with gw.uow() as uow:
        assert agencies.head(uow, "cppcc") == n and agencies.head(uow, "npc") == 0
    gw.engine.dispose()
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    return [
        Result(
            "gateway",
            f"policy engine: {n:,} events into the CPPCC feed ({backend})",
            n / t.seconds,
            "events/s",
            baseline="policy filter alone, same events (events/s)",
            baseline_value=n / floor.seconds,
            note=f"{backend}: each delivery filters, numbers, signs (Ed25519), stores, stages for Kafka and "
            f"appends to the hash-chained ledger; {BATCH} per transaction",
        )
    ]


def bench_end_to_end(url: str, tmp: Path, access: KafkaAccess, burst: int, steady: int) -> list[Result]:
    gw = _gateway(url, tmp, access)
    with gw.uow() as uow:
        key = agencies.issue_key(uow, "cppcc", "bench", dt.timedelta(days=1))
        uow.commit()
    client = create_app(gw).test_client()
    headers = {"Authorization": f"ApiKey {key}"}
    parts = build(gw)
    threads = [threading.Thread(target=p.run_forever, daemon=True) for p in parts]
    for th in threads:
        th.start()
    producer = KafkaProducer(**access.client_config(), linger_ms=0, acks=1)
    run = uuid.uuid4().hex[:6]
    after = 0

    def drain(expected: int, timeout: float = 300) -> dict[str, float]:
        nonlocal after
        seen: dict[str, float] = {}
        deadline = time.monotonic() + timeout
        while len(seen) < expected and time.monotonic() < deadline:
            page = client.get(
                "/feed", query_string={"after": after, "limit": 1000, "wait": 5}, headers=headers
            ).get_json()
            now = time.monotonic()
            for e in page["entries"]:
                if e["data"].get("person_id", "").startswith(run):
                    seen[e["data"]["person_id"]] = now
            after = page["next_after"]
        return seen

    try:
        # Warm up: the consumer joins its group and the first records flow.
        producer.send(REGISTRY_PERSON, key=b"w", value=member_event(0, "warmup-" + run).to_json()).get(10)
        drain(0, timeout=1)
        events = [member_event(i, run) for i in range(burst)]
        began = time.monotonic()
        for e in events:
            producer.send(REGISTRY_PERSON, key=e.subject.encode(), value=e.to_json())
        producer.flush()
        seen = drain(burst)
        saturation = len(seen) / (max(seen.values()) - began)
        assert len(seen) == burst, f"{len(seen)} of {burst} delivered"

        rate = saturation / 2
        sent: dict[str, float] = {}
        steady_events = [member_event(burst + i, run) for i in range(steady)]
        got: dict[str, float] = {}
        poller = threading.Thread(target=lambda: got.update(drain(steady)), daemon=True)
        poller.start()
        start = time.monotonic()
        for i, e in enumerate(steady_events):
            pause = start + i / rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            sent[e.subject] = time.monotonic()
            producer.send(REGISTRY_PERSON, key=e.subject.encode(), value=e.to_json())
            producer.flush()
        poller.join(300)
        latencies = [(got[pid] - sent[pid]) * 1000 for pid in sent if pid in got]
        assert len(latencies) == steady, f"{len(latencies)} of {steady} delivered"
    finally:
        producer.close()
        for p in parts:
            p.stop()
        for th in threads:
            th.join(30)
        gw.engine.dispose()
    pct = percentiles(latencies)
    return [
        Result(
            "gateway",
            "end to end: Kafka -> policy engine -> HTTP feed, saturation",
            saturation,
            "events/s",
            note=f"{burst:,} events produced at once; the CPPCC feed long-polled over HTTP",
        ),
        Result("gateway", f"end to end at {rate:,.0f} events/s (half of saturation), p50", pct["p50"], "ms"),
        Result(
            "gateway",
            f"end to end at {rate:,.0f} events/s (half of saturation), p99",
            pct["p99"],
            "ms",
            target="< 1000 ms",
            met=pct["p99"] < 1000,
            note=f"{steady:,} events, each timed from its produce call to the poll that returned it",
        ),
    ]
