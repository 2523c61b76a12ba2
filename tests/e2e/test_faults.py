"""Faults on the running platform, each with a precise count of what was written, what arrived,
what was doubled and what was lost: Kafka down for 30 s under load, workers killed mid-batch, an
API killed during requests, a read model rebuilt by replay, events redelivered out of order."""

from __future__ import annotations

import concurrent.futures
import subprocess
import threading
import time
import uuid

import pytest
import sqlalchemy as sa
from kafka import KafkaConsumer, KafkaProducer
from run_platform import SERVICES

from chassis.events import Envelope
from chassis.kafka import KafkaAccess
from chassis.topics import REGISTRY_PERSON
from tests.e2e.conftest import HOME_A, engine_of, feed, new_person, wait_for
from tests.support.infra import say


def create_members(registry, count: int, tag: str, threads: int = 6) -> tuple[list[str], list[str]]:
    """Register CPPCC members concurrently; returns (ids of the 201s, what each failed call got)."""

    def one(i):
        try:
            r = registry.post("/people", json=new_person(roles=("cppcc",), name=f"{tag}{i}"))
        except Exception as exc:  # reported to the test, which fails on it
            return None, f"{tag}{i}: {exc!r}"
        return (r.json()["id"], None) if r.status_code == 201 else (None, f"{tag}{i}: {r.status_code} {r.text[:300]}")

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(one, range(count)))
    return [pid for pid, _ in results if pid], [why for _, why in results if why]


def cppcc_registrations(as_agency, ids: set[str]) -> list[dict]:
    return [
        e
        for e in feed(as_agency("cppcc"), lambda e: e["data"].get("person_id") in ids)
        if e["type"].endswith("registered.v1")
    ]


def account(written: set[str], delivered: list[dict], label: str) -> None:
    got = [e["data"]["person_id"] for e in delivered]
    duplicates, lost = len(got) - len(set(got)), len(written - set(got))
    say(f"{label}: written {len(written)}, delivered {len(set(got))}, duplicates {duplicates}, lost {lost}")
    assert duplicates == 0 and lost == 0 and set(got) <= written


def wait_delivered(as_agency, ids: set[str], timeout: float = 180) -> list[dict]:
    return wait_for(
        lambda: (
            (f := cppcc_registrations(as_agency, ids)) and len({e["data"]["person_id"] for e in f}) >= len(ids) and f
        ),
        timeout,
        1.0,
        f"{len(ids)} registrations in the CPPCC feed",
    )


def test_kafka_down_for_30_seconds_under_load_loses_and_doubles_nothing(platform, as_staff, as_agency):
    registry, desk = as_staff("registry", ("editor",)), as_staff("servicedesk", ("editor",))
    member = registry.post("/people", json=new_person(unit=HOME_A, name="负载测试")).json()["id"]
    ask = {
        "person_id": member,
        "category": "other",
        "title": "紧急",
        "description": "负载",
        "urgent": True,
        "urgent_summary": "演练",
    }
    wait_for(lambda: desk.post("/requests", json=ask).status_code == 201, 60, 0.3, "the desk knows the member")
    created: set[str] = set()
    urgent: set[str] = set()
    failures = []
    stop = threading.Event()

    def load():
        tag = uuid.uuid4().hex[:4]
        i = 0
        while not stop.is_set():
            i += 1
            r = registry.post("/people", json=new_person(roles=("cppcc",), name=f"断{tag}{i}"))
            (created.add(r.json()["id"]) if r.status_code == 201 else failures.append(r.status_code))
            d = desk.post("/requests", json=ask)
            (urgent.add(d.json()["id"]) if d.status_code == 201 else failures.append(d.status_code))
            time.sleep(0.05)

    writer = threading.Thread(target=load)
    writer.start()
    time.sleep(3)
    platform.kafka.stop()
    down = time.monotonic()
    time.sleep(30)
    written_while_down = len(created)
    platform.kafka.start()
    say(f"Kafka down {time.monotonic() - down:.0f} s; writes kept succeeding: {written_while_down} people so far")
    time.sleep(3)
    stop.set()
    writer.join()
    assert failures == []  # the APIs never needed Kafka to answer
    account(created, wait_delivered(as_agency, created, 240), "Kafka outage, registry -> CPPCC feed")
    police = as_agency("public_security")
    incidents = wait_for(
        lambda: (f := feed(police, lambda e: e["data"].get("request_id") in urgent)) and len(f) >= len(urgent) and f,
        240, 1.0, "urgent incidents in the police feed",
    )  # fmt: skip
    got = [e["data"]["request_id"] for e in incidents]
    say(f"Kafka outage, service desk -> police feed: written {len(urgent)}, delivered {len(set(got))}, "
        f"duplicates {len(got) - len(set(got))}, lost {len(urgent - set(got))}")  # fmt: skip
    assert len(got) == len(set(got)) == len(urgent)


@pytest.mark.parametrize(
    "worker", ["registry-worker", "evaluation-worker", "servicedesk-worker", "sharing-gateway-worker"]
)
def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(platform, as_staff, as_agency, worker):
    registry = as_staff("registry", ("editor",))
    ids, failures = create_members(registry, 120, f"杀{worker[:2]}")
    assert failures == []
    time.sleep(0.4)  # the relay and consumers are in the middle of the burst
    platform.restart(worker, hard=True)
    account(set(ids), wait_delivered(as_agency, set(ids)), f"kill -9 {worker}")
    evaluation = as_staff("evaluation", ("viewer",))
    wait_for(lambda: all(evaluation.get(f"/people/{i}").status_code == 200 for i in ids[-5:]), 120, 0.5, "evaluation")
    with engine_of(platform, "sharing-gateway").connect() as conn:
        seqs = [s for (s,) in conn.execute(sa.text("SELECT seq FROM feed_entries WHERE agency = 'cppcc' ORDER BY seq"))]
    assert seqs == list(range(1, len(seqs) + 1))  # the feed stays gap-free
    verdict = as_staff("sharing-gateway", ("auditor",)).get("/ledger/verify").json()
    assert verdict["ok"], verdict


def test_an_api_killed_during_requests_leaves_nothing_half_done(platform, as_staff, as_agency):
    registry = as_staff("registry", ("editor",))
    tag = f"半{uuid.uuid4().hex[:4]}"
    results: dict[str, str | None] = {}
    stop = threading.Event()

    def client(k: int):
        i = 0
        while not stop.is_set():
            i += 1
            try:
                r = registry.post("/people", json=new_person(roles=("cppcc",), name=f"{tag}{k}-{i}"))
                results[f"{k}-{i}"] = r.json()["id"] if r.status_code == 201 else None
            except Exception:
                results[f"{k}-{i}"] = None

    threads = [threading.Thread(target=client, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    platform.restart("registry-api", hard=True)  # SIGKILL: no graceful finish of in-flight requests
    platform._wait_ready(next(s for s in SERVICES if s.name == "registry"))
    time.sleep(1.0)
    stop.set()
    for t in threads:
        t.join()
    ok = {v for v in results.values() if v}
    errors = sum(v is None for v in results.values())
    # Whatever exists was committed whole: person, history and event, delivered once.
    with engine_of(platform, "registry").connect() as conn:
        existing = {
            pid for (pid,) in conn.execute(sa.text("SELECT id FROM people WHERE name LIKE :t"), {"t": tag + "%"})
        }
        histories = dict(conn.execute(sa.text(
            "SELECT person_id, count(*) FROM person_history WHERE person_id IN "
            "(SELECT id FROM people WHERE name LIKE :t) GROUP BY person_id"), {"t": tag + "%"}).all())  # fmt: skip
    assert ok <= existing and all(histories.get(p) for p in existing)
    account(existing, wait_delivered(as_agency, existing), f"registry API killed: {len(ok)} ok, {errors} errors")


def test_a_read_model_rebuilt_by_replay_is_identical(platform):
    """Stop evaluation's worker, rebuild its people view from offset 0, compare digests."""
    from evaluation.service_layer import read_model

    engine = engine_of(platform, "evaluation")
    seen: list[str] = []

    def settled() -> bool:
        seen.append(read_model.digest_of_view(engine))
        return len(seen) > 2 and seen[-1] == seen[-3]

    wait_for(settled, 120, 1.0, "the evaluation view settles")
    proc = dict(platform.processes)["evaluation-worker"]
    proc.terminate()
    proc.wait(30)
    before = read_model.digest_of_view(engine)
    command, env = platform.commands["evaluation-worker"]
    done = subprocess.run([*command, "replay-people"], env=env, capture_output=True, text=True, timeout=300)
    platform.restart("evaluation-worker")
    assert done.returncode == 0, done.stderr[-2000:]
    after = read_model.digest_of_view(engine)
    say(f"evaluation people view: {done.stdout.strip()}; before {before[:12]}, after {after[:12]}")
    assert after == before
    engine.dispose()


def test_duplicate_and_out_of_order_redelivery_changes_nothing(platform, as_staff, as_agency):
    registry = as_staff("registry", ("editor",))
    person = registry.post("/people", json=new_person(roles=("cppcc",), name="重放测试")).json()
    pid = person["id"]
    etag = registry.get(f"/people/{pid}").headers["ETag"]
    patched = registry.patch(f"/people/{pid}", json={"employer": "寿光市工商联"}, headers={"If-Match": etag})
    assert patched.status_code == 200
    mine = lambda e: e["data"].get("person_id") == pid  # noqa: E731
    wait_for(
        lambda: any(e["type"].endswith("updated.v1") for e in feed(as_agency("cppcc"), mine)), 60, 0.3, "the update"
    )
    admin = KafkaAccess.from_env(platform.kafka.client_env("admin"))
    consumer = KafkaConsumer(REGISTRY_PERSON, metadata_max_age_ms=1000, auto_offset_reset="earliest",
                             **admin.client_config(), consumer_timeout_ms=1000)  # fmt: skip
    records = [r for r in consumer if r.key == pid.encode()]
    consumer.close()
    before = feed(as_agency("cppcc"), mine)
    assert len(records) == len(before) >= 2
    producer = KafkaProducer(**admin.client_config())
    for r in [*reversed(records), *records, records[0]]:  # duplicates, older versions after newer ones
        producer.send(REGISTRY_PERSON, key=r.key, value=r.value).get(10)
    marker = registry.post("/people", json=new_person(roles=("cppcc",), name="重放标记")).json()["id"]
    producer.close()
    wait_for(lambda: feed(as_agency("cppcc"), lambda e: e["data"].get("person_id") == marker), 60, 0.3, "the marker")
    after = feed(as_agency("cppcc"), mine)
    say(
        f"redelivered {2 * len(records) + 1} copies of {len(records)} events: the CPPCC feed holds {len(after)} entries"
    )
    assert after == before
    newest = max(Envelope.from_json(r.value).data["version"] for r in records)
    evaluation = as_staff("evaluation", ("viewer",))
    assert evaluation.get(f"/people/{pid}").json()["version"] == newest
