"""HTTP benchmarks with wrk (a real load generator, not Python threads).

Baseline: a hello-world Flask app under the same gunicorn configuration as the services.
Ours: the registry API under gunicorn on SQLite with 10,000 people: read by id, search,
create. For each: requests per second at saturation (16 connections), and latency p50/p99
at half of that rate (wrk paced by ``bench/wrk/paced.lua``). Also the resident memory of
the registry API's processes (master and workers) idle and right after the load.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

from bench.registry_people import fill
from bench.report import Result
from registry.bootstrap import bootstrap
from registry.config import RegistrySettings
from registry.service_layer.units import load_shipped_units
from tests.support.infra import free_port
from tests.support.tokens import ISSUER, trusted_environ

ROOT = Path(__file__).resolve().parents[1]
WRK = Path(__file__).resolve().parent / "wrk"
CONNECTIONS = 16


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (a gunicorn master and its workers), MiB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


def gunicorn(app: str, env: dict, port: int, probe: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(Path(os.sys.executable).parent / "gunicorn"), "-c", str(ROOT / "deploy/gunicorn/gunicorn.conf.py"), app],
        env={**os.environ, **env, "BIND": f"127.0.0.1:{port}", "LOG_LEVEL": "warning"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=1)
            return proc
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{app} did not start")


def wrk(
    url: str, seconds: int, headers: dict | None = None, script: Path | None = None, args: list[str] | None = None
) -> dict:
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    if script:
        cmd += ["-s", str(script)]
    cmd.append(url)
    if args:
        cmd += ["--", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, env={**os.environ}).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def pct(p: str) -> float:
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)\b", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {"rps": rps, "p50": pct("50"), "p99": pct("99"), "errors": int(errors.group(1)) if errors else 0}


def measure(url: str, seconds: int, headers=None) -> tuple[dict, dict]:
    """(at saturation, at half of that rate)."""
    saturated = wrk(url, seconds, headers)
    pace_ms = CONNECTIONS * 1000 / (saturated["rps"] / 2)
    return saturated, wrk(url, seconds, headers, WRK / "paced.lua", [f"{pace_ms:.2f}"])


def bench_http(tmp: Path, people: int, seconds: int) -> list[Result]:
    if not shutil.which("wrk"):
        return [Result("http", "wrk not installed (apt-get install wrk): HTTP figures skipped", 0, "")]
    results = []
    port = free_port()
    hello = gunicorn("bench.hello:create_app()", {}, port, "/")
    try:
        base, base_half = measure(f"http://127.0.0.1:{port}/", seconds)
    finally:
        os.killpg(hello.pid, 15)
        hello.wait(30)
    results.append(Result("http", "hello-world Flask under our gunicorn config: saturation", base["rps"], "requests/s"))

    url = f"sqlite:///{tmp / 'http-registry'}.db"
    reg = bootstrap(RegistrySettings(database_url=url))
    reg.migrate()
    load_shipped_units(reg.engine)
    fill(reg.engine, people, 0, reg.settings.id_digest_secret)
    with reg.engine.connect() as conn:
        person_id = conn.execute(sa.text("SELECT id FROM people LIMIT 1 OFFSET 77")).scalar()
    reg.engine.dispose()
    token = ISSUER.issue("bench", ["editor"], "370783000000", ttl=dt.timedelta(hours=1))  # outlives the run
    auth = {"Authorization": f"Bearer {token}"}
    port = free_port()
    env = {"DATABASE_URL": url, "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1", "DEVELOPMENT_MODE": "true"}
    env.update(trusted_environ())
    api = gunicorn("registry.entrypoints.api.app:create_app()", env, port, "/healthz")
    try:
        time.sleep(1)
        idle = rss_mib(api.pid)
        cases = [
            ("read by id", f"http://127.0.0.1:{port}/people/{person_id}"),
            ("search '王'", f"http://127.0.0.1:{port}/people?q=%E7%8E%8B&limit=20"),
        ]
        for label, target in cases:
            sat, half = measure(target, seconds, auth)
            met = sat["rps"] >= 0.5 * base["rps"] if label == "read by id" else None
            results.append(Result("http", f"registry {label}: saturation", sat["rps"], "requests/s",
                                  baseline="hello-world (requests/s)", baseline_value=base["rps"],
                                  target=">= 50% of hello-world" if met is not None else None, met=met,
                                  note=f"{people:,} people on SQLite; non-2xx: {sat['errors']}"))  # fmt: skip
            results.append(Result("http", f"registry {label}: p99 at half of saturation", half["p99"], "ms",
                                  baseline="hello-world p99 at half (ms)", baseline_value=base_half["p99"],
                                  target="< 20 ms" if label == "read by id" else None,
                                  met=half["p99"] < 20 if label == "read by id" else None,
                                  note=f"p50 {half['p50']:.1f} ms at {half['rps']:.0f} requests/s"))  # fmt: skip
        os.environ["BENCH_TOKEN"] = token
        create = wrk(f"http://127.0.0.1:{port}/people", seconds, None, WRK / "create_person.lua")
        results.append(Result("http", "registry create: saturation", create["rps"], "requests/s",
                              baseline="hello-world (requests/s)", baseline_value=base["rps"],
                              note=f"each create writes the person, history and an outbox event; "
                                   f"p99 {create['p99']:.1f} ms; non-2xx: {create['errors']}"))  # fmt: skip
        loaded = rss_mib(api.pid)
        results.append(Result("memory", "registry API (gunicorn master + workers), idle", idle, "MiB"))
        results.append(Result("memory", "registry API (gunicorn master + workers), after load", loaded, "MiB"))
    finally:
        os.killpg(api.pid, 15)
        api.wait(30)
    return results
