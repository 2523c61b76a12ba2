"""The whole pipeline on the running platform (``deploy/run_platform.py``: every service under
gunicorn with its worker, on the local Kafka broker), and the memory of each service.

A CPPCC member registered through the registry's HTTP API flows: registry transaction ->
outbox relay -> ``registry.person.v1`` -> the gateway's policy engine -> the CPPCC's HTTP
feed. Saturation: a burst of registrations from 8 client threads, timed until the last one
is in the feed. Latency: registrations paced at half of that rate, each timed from the
registry's 201 (committed) to the long poll that returned it from the feed.
Memory: resident memory of each service's API (master and workers) and worker, idle
before the load and right after it. The supervision worker, which reads the same registrations, is
watched throughout (``bench.supervision``): its consumer lag and the events per second it takes.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import random
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

from bench import supervision
from bench.http import rss_mib
from bench.report import Result, percentiles
from chassis import idnumber
from tests.support.infra import free_port
from tests.support.tokens import ISSUER, trusted_environ

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy"))
from run_platform import SERVICES, Platform  # noqa: E402


def member(tag: str, n: int) -> dict:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=n % 18000)
    return {
        "name": f"链路{tag}{n}"[:12],
        "id_number": idnumber.make(f"3707{random.randrange(10, 99)}", born, n // 18000 % 100, "female"),
        "unit_code": "370783001001",
        "categories": ["non_party_representative"],
        "representative_roles": [{"body": "cppcc", "level": "county", "title": None, "since": None}],
        "vetting_basis": "换届考察合格",  # 凡进必评: a role needs a basis
    }


def memory(platform: Platform, when: str) -> list[Result]:
    out = []
    for name, proc in platform.processes:
        out.append(Result("memory", f"{name} ({when})", rss_mib(proc.pid), "MiB"))
    return out


def bench_pipeline(tmp: Path, burst: int, steady: int) -> list[Result]:
    platform = Platform(tmp / "pipeline", free_port(), random.randint(3000, 5000)).trusting(trusted_environ())
    platform.start()
    results = memory(platform, "idle")
    token = ISSUER.issue("bench", ["editor"], "370783000000", ttl=dt.timedelta(hours=1))  # outlives the run
    registry = platform.url(next(x for x in SERVICES if x.name == "registry"))
    gateway = platform.url(next(x for x in SERVICES if x.name == "sharing-gateway"))
    staff = {"Authorization": f"Bearer {token}"}
    agency = {"Authorization": f"ApiKey {platform.keys['cppcc']}"}
    session = requests.Session()
    cursor = 0
    lag = supervision.LagSampler(platform)  # the supervision worker's consumer lag, throughout the load
    lock = threading.Lock()

    def poll_until(ids: set[str], seen: dict[str, float], timeout: float = 600) -> None:
        nonlocal cursor
        deadline = time.monotonic() + timeout
        while not ids <= set(seen) and time.monotonic() < deadline:
            page = session.get(
                f"{gateway}/feed", params={"after": cursor, "limit": 1000, "wait": 10}, headers=agency
            ).json()
            now = time.monotonic()
            for e in page["entries"]:
                pid = e["data"].get("person_id")
                if e["type"].endswith("registered.v1") and pid not in seen:
                    seen[pid] = now
            cursor = page["next_after"]

    try:
        lag.start()
        before = lag.first()
        tag = uuid.uuid4().hex[:4]

        def create(n: int) -> str:
            with requests.Session() as client:
                r = client.post(f"{registry}/people", json=member(tag, n), headers=staff, timeout=60)
                r.raise_for_status()
                return r.json()["id"]

        began = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            ids = set(pool.map(create, range(burst)))
        written = time.monotonic() - began
        under_load = memory(platform, "under load")
        seen: dict[str, float] = {}
        poll_until(ids, seen)
        assert ids <= set(seen), f"{len(ids - set(seen))} of {burst} never reached the feed"
        saturation = burst / (max(seen.values()) - began)
        delivered = max(seen.values())
        results += supervision.burst_results(lag, before, began, written, delivered, saturation, burst)

        rate = saturation / 2
        committed: dict[str, float] = {}
        arrived: dict[str, float] = {}
        expected: set[str] = set()
        done = threading.Event()

        def poller():
            while not done.is_set() or not expected <= set(arrived):
                with lock:
                    wanted = set(expected)
                poll_until(wanted, arrived, timeout=2)
                if done.is_set() and wanted <= set(arrived) and wanted == expected:
                    return

        t = threading.Thread(target=poller, daemon=True)
        t.start()
        start = time.monotonic()
        with requests.Session() as client:
            for i in range(steady):
                pause = start + i / rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                r = client.post(f"{registry}/people", json=member(tag, burst + i), headers=staff, timeout=60)
                pid = r.json()["id"]
                committed[pid] = time.monotonic()
                with lock:
                    expected.add(pid)
        done.set()
        t.join(600)
        steady_end = time.monotonic()
        latencies = [(arrived[p] - committed[p]) * 1000 for p in committed if p in arrived]
        assert len(latencies) == steady, f"{len(latencies)} of {steady} arrived"
        pct = percentiles(latencies)
        results += under_load
        results += [
            Result("pipeline", "registry write -> gateway -> CPPCC HTTP feed: saturation", saturation, "events/s",
                   note=f"{burst:,} registrations from 8 client threads in {written:.1f} s; every one delivered once"),
            Result("pipeline", f"end to end at {rate:,.0f} events/s (half of saturation), p50", pct["p50"], "ms"),
            Result("pipeline", f"end to end at {rate:,.0f} events/s (half of saturation), p99", pct["p99"], "ms",
                   target="< 1000 ms", met=pct["p99"] < 1000,
                   note=f"{steady:,} registrations, from the registry's 201 to the feed's long poll returning it"),
        ]  # fmt: skip
        results += supervision.steady_results(lag, start, steady_end, rate)
        lag.stop()
        results += supervision.replay_results(platform)
    finally:
        try:
            lag.stop()
        finally:
            platform.stop()  # whatever the sampler did
    return results
