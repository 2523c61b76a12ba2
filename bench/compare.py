"""Compare two checkouts on the registry and gateway benchmarks: did a change cost speed?

python -m bench.compare OLD_TREE NEW_TREE [--rounds 3]

The full ``make bench`` is too long to run twice on a small shared machine, and two runs made an
hour apart measure the neighbours' load as much as the code. This runs only the registry and
gateway entries, at moderate sizes, each entry once per tree per round, old then new, each in a
process of its own started from that tree's virtualenv with that tree's code (its own
``bench`` functions, services and migrations). Interleaving puts both sides of an entry under
the same load; the medians over the rounds, their spread (min-max) and the new/old ratio are
printed per entry, with the load average before each run.

One PostgreSQL server and one Kafka broker (started here, from the tree this runs in) serve both
sides; every run gets a fresh database, and the broker's topics are deleted after each end-to-end
run so that no run's gateway reads the events of the runs before it. Entries whose benchmark
functions changed their signature between the trees would be adapted in ``_run_entry``, never in
either tree's bench code.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# What each entry measures, at moderate sizes (the full run's are larger, --quick's smaller).
ENTRIES = {
    "registry import (SQLite)": {"kind": "import", "backend": "SQLite", "rows": 23_000},
    "registry import (PostgreSQL)": {"kind": "import", "backend": "PostgreSQL", "rows": 23_000},
    "registry search (SQLite)": {"kind": "search", "backend": "SQLite", "sizes": [10_000, 100_000], "repeats": 100},
    "registry search (PostgreSQL)": {"kind": "search", "backend": "PostgreSQL", "sizes": [10_000], "repeats": 100},
    "registry search as the API (SQLite)": {"kind": "search_api", "backend": "SQLite", "size": 10_000, "repeats": 200},
    "registry search as the API (PostgreSQL)": {
        "kind": "search_api",
        "backend": "PostgreSQL",
        "size": 10_000,
        "repeats": 200,
    },
    "gateway policy engine (SQLite)": {"kind": "policy", "backend": "SQLite", "events": 10_000},
    "gateway policy engine (PostgreSQL)": {"kind": "policy", "backend": "PostgreSQL", "events": 10_000},
    "gateway end to end (Kafka, SQLite)": {"kind": "end_to_end", "backend": "SQLite", "burst": 1_000, "steady": 500},
}
# Units where a smaller figure is better; for the others (events/s), a larger one is.
LOWER_IS_BETTER = {"ms", "s"}
# The end-to-end entry names its steady rate, which differs from run to run.
RATE_IN_NAME = re.compile(r"at [\d,.]+ events/s \(half of saturation\)")


# --------------------------------------------------------------------------- parent: rounds and the table


# Started with ``-c`` so that sys.path[0] is the tree (cwd), not this file's folder: the child
# imports the tree's own ``bench`` package, and ``compare_child.py`` only for its entry point.
CHILD = "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"


def _spawn(tree: Path, spec: dict, log) -> list[dict]:
    spec_file = Path(spec["tmp"]) / "spec.json"
    spec_file.write_text(json.dumps(spec))
    python = tree / ".venv" / "bin" / "python"
    cmd = [str(python), "-c", CHILD, str(Path(__file__).resolve().with_name("compare_child.py")), str(spec_file)]
    began = time.monotonic()
    done = subprocess.run(cmd, cwd=tree, stdout=log, stderr=log, env={**os.environ, "PYTHONPATH": ""})
    if done.returncode != 0:
        raise RuntimeError(f"{tree.name}: {spec['kind']} ({spec['backend']}) failed, see {log.name}")
    spec["wall_s"] = time.monotonic() - began
    spec_file.write_text(json.dumps(spec))  # with its wall time: what ``tabulate`` reads
    return json.loads(Path(spec["out"]).read_text())


def _spec(params: dict, tree: Path, run_dir: Path, postgres, kafka) -> dict:
    """One run's parameters: the entry's, its own folder, a fresh database and the broker's address."""
    run_dir.mkdir()
    spec = {**params, "tree": str(tree), "tmp": str(run_dir), "out": str(run_dir / "out.json")}
    spec["url"] = postgres.new_database() if params["backend"] == "PostgreSQL" else f"sqlite:///{run_dir / 'b.db'}"
    if kafka is not None:
        spec["kafka"] = dataclasses.asdict(kafka.access)
    return spec


def _delete_topics(access) -> None:
    """Leave the broker without the runs' topics (auto-created again by the next run's producers)."""
    from chassis.kafka import make_admin

    admin = make_admin(access)
    try:
        topics = [t for t in admin.list_topics() if not t.startswith("__")]
        if topics:
            admin.delete_topics(topics)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(not t.startswith("__") for t in admin.list_topics()):
            time.sleep(0.5)
    finally:
        admin.close()


def _load() -> tuple[float, float, float]:
    return os.getloadavg()


def _fmt(load: tuple[float, float, float]) -> str:
    return " ".join(f"{x:.2f}" for x in load)


def _summary(samples: list[float]) -> tuple[float, float, float]:
    return statistics.median(samples), min(samples), max(samples)


def _verdict(unit: str, ratios: list[float]) -> str:
    """'slower' or 'faster' when every round's pair says so; else 'noise'. Paired by round, both
    sides ran under nearly the same load; with 5 rounds, all five agreeing by chance has p = 1/16."""
    worse = [r if unit in LOWER_IS_BETTER else 1 / r for r in ratios]
    if len(worse) < 3:
        return "too few rounds"
    if min(worse) > 1:
        return "slower in every round"
    if max(worse) < 1:
        return "faster in every round"
    return "noise"


def tabulate(folder: Path) -> list[str]:
    """The table of a run's folder (one ``r<round>-<side>-<entry>`` folder per run)."""
    measures: dict[str, dict] = {}
    runs = []
    specs = [json.loads(f.read_text()) for f in folder.glob("r*-*/spec.json")]
    order = list(ENTRIES)
    for spec in sorted(
        specs, key=lambda s: (order.index(s["entry"]) if s["entry"] in order else len(order), s["round"])
    ):
        out = Path(spec["out"])
        if not out.exists():
            continue  # a run that failed
        runs.append(spec)
        for r in json.loads(out.read_text()):
            name = RATE_IN_NAME.sub("at half of saturation", r["name"])
            m = measures.setdefault(f"{r['group']}: {name}", {"unit": r["unit"], "old": {}, "new": {}})
            m[spec["side"]][spec["round"]] = r["value"]
    loads = [spec["load"] for spec in runs]
    lines = [
        f"{len({s['round'] for s in runs})} rounds, each entry old then new in its own process, "
        f"{sum(s['wall_s'] for s in runs):.0f} s of runs; {os.cpu_count()} CPUs.",
        f"Load average (1/5/15 min) before each run: lowest {_fmt(min(loads))}, highest {_fmt(max(loads))}, "
        f"median 1-min {statistics.median(one for one, _, _ in loads):.2f}.",
        "",
        "| entry | unit | old median (min-max) | new median (min-max) | new/old "
        "| per round new/old (min-max) | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, m in measures.items():
        if not m["old"] or not m["new"]:
            continue
        o, n = _summary(list(m["old"].values())), _summary(list(m["new"].values()))
        ratios = [m["new"][rnd] / m["old"][rnd] for rnd in sorted(m["old"]) if rnd in m["new"]]
        lines.append(
            f"| {name} | {m['unit']} | {o[0]:,.3g} ({o[1]:,.3g}-{o[2]:,.3g}) | {n[0]:,.3g} ({n[1]:,.3g}-{n[2]:,.3g}) "
            f"| {n[0] / o[0]:.2f} | {min(ratios):.2f}-{max(ratios):.2f} | {_verdict(m['unit'], ratios)} |"
        )
    lines += [
        "",
        "new/old: of the medians. Verdict: 'slower'/'faster' only when the new/old ratio of every round "
        "(old and new run back to back) points the same way; else 'noise'.",
    ]
    return lines


def run(trees: dict[str, Path], entries: dict[str, dict], rounds: int, tmp: Path) -> None:
    """Each round, each entry: the old tree's run, then the new tree's, into ``tmp``'s run folders."""
    from tests.support.infra import say
    from tests.support.kafka_source import KafkaSource
    from tests.support.postgres_source import PostgresSource

    postgres = PostgresSource().start(tmp) if any(e["backend"] == "PostgreSQL" for e in entries.values()) else None
    kafka = (
        KafkaSource().start_local(tmp / "kafka") if any(e["kind"] == "end_to_end" for e in entries.values()) else None
    )
    try:
        for rnd in range(1, rounds + 1):
            for entry, params in entries.items():
                if params["backend"] == "PostgreSQL" and postgres is None:
                    continue
                for side, tree in trees.items():
                    run_dir = tmp / f"r{rnd}-{side}-{re.sub(r'[^a-z]+', '-', entry.lower())}"
                    spec = _spec(params, tree, run_dir, postgres, kafka)
                    spec.update(round=rnd, side=side, entry=entry, load=_load())
                    with open(run_dir / "log.txt", "w") as log:
                        _spawn(tree, spec, log)
                    if params["kind"] == "end_to_end":
                        _delete_topics(kafka.access)
                    say(f"round {rnd} {side:3} {entry}: {spec['wall_s']:.0f} s, load before {_fmt(spec['load'])}")
    finally:
        if kafka is not None:
            kafka.stop()
        if postgres is not None:
            postgres.stop()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--table"]:
        print("\n".join(tabulate(Path(argv[1]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", action="append", default=[], help="entries whose name contains this (repeatable)")
    args = parser.parse_args(argv)
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    for side, tree in trees.items():
        if not (tree / ".venv" / "bin" / "python").exists():
            parser.error(f"{side} tree {tree} has no .venv (make .venv/.installed there)")
    entries = {k: v for k, v in ENTRIES.items() if not args.only or any(o in k for o in args.only)}
    tmp = Path(tempfile.mkdtemp(prefix="tongxin-compare-"))
    heads = {
        side: subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=t, capture_output=True, text=True
        ).stdout.strip()
        for side, t in trees.items()
    }
    print(f"old {trees['old']} ({heads['old']}), new {trees['new']} ({heads['new']}); runs in {tmp}", flush=True)
    run(trees, entries, args.rounds, tmp)
    print("\n".join(tabulate(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
