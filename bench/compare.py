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
    "registry search (SQLite)": {"kind": "search", "backend": "SQLite", "sizes": [10_000, 100_000], "repeats": 50},
    "registry search (PostgreSQL)": {"kind": "search", "backend": "PostgreSQL", "sizes": [10_000], "repeats": 50},
    "gateway policy engine (SQLite)": {"kind": "policy", "backend": "SQLite", "events": 10_000},
    "gateway policy engine (PostgreSQL)": {"kind": "policy", "backend": "PostgreSQL", "events": 10_000},
    "gateway end to end (Kafka, SQLite)": {"kind": "end_to_end", "backend": "SQLite", "burst": 1_000, "steady": 500},
}
# Units where a smaller figure is better; for the others (events/s), a larger one is.
LOWER_IS_BETTER = {"ms", "s"}
# The end-to-end entry names its steady rate, which differs from run to run.
RATE_IN_NAME = re.compile(r"at [\d,.]+ events/s \(half of saturation\)")


# --------------------------------------------------------------------------- child: one tree, one entry


def _run_entry(spec: dict) -> list[dict]:
    """Run one entry with the code of the tree this process was started in (cwd on sys.path)."""
    import sharing_gateway

    import bench
    import chassis
    import registry

    tree = Path(spec["tree"]).resolve()
    for package in (bench, chassis, registry, sharing_gateway):  # this tree's code, not the other's
        assert Path(package.__file__).resolve().is_relative_to(tree), f"{package.__file__} is not in {tree}"
    tmp, kind = Path(spec["tmp"]), spec["kind"]
    if kind == "import":
        from bench import registry

        results = registry.bench_import(spec["url"], spec["backend"], spec["rows"])
    elif kind == "search":
        from bench import registry

        _fill_defaults()
        results = registry.bench_search(spec["url"], spec["backend"], spec["sizes"], spec["repeats"])
    elif kind == "policy":
        from bench import gateway

        results = gateway.bench_policy_engine(spec["url"], tmp, spec["events"])
    elif kind == "end_to_end":
        from bench import gateway
        from chassis.kafka import KafkaAccess

        access = KafkaAccess(**spec["kafka"])
        results = gateway.bench_end_to_end(spec["url"], tmp, access, spec["burst"], spec["steady"])
    else:
        raise ValueError(kind)
    return [dataclasses.asdict(r) for r in results]


def _fill_defaults() -> None:
    """Let an older tree's search set-up write today's people table.

    Before the unit-of-work refactor, ``bench.registry.fill`` did not write the ``people``
    columns that the privacy review (migration 0003) had made mandatory, so that tree's search
    benchmark failed at its set-up. Client-side defaults give them the values the current
    ``fill`` writes (the same search text; the registered.v1 event's version); a tree whose
    ``fill`` writes them never uses the defaults.
    """
    import sqlalchemy as sa

    from registry.adapters.tables import people

    defaults = {
        "search_text_all": lambda ctx: ctx.get_current_parameters()["search_text"],
        "event_version": 1,
    }
    for name, value in defaults.items():
        column = people.c.get(name)
        if column is not None and column.default is None and column.server_default is None:
            sa.ColumnDefault(value)._set_parent_with_dispatch(column)


def _child(spec_file: str) -> int:
    spec = json.loads(Path(spec_file).read_text())
    Path(spec["out"]).write_text(json.dumps(_run_entry(spec), ensure_ascii=False))
    return 0


# --------------------------------------------------------------------------- parent: rounds and the table


# Started with ``-c`` so that sys.path[0] is the tree (cwd), not this file's folder: the child
# imports the tree's own ``bench`` package, and this file only for its child entry point.
CHILD = "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"


def _spawn(tree: Path, spec: dict, log) -> list[dict]:
    spec_file = Path(spec["tmp"]) / "spec.json"
    spec_file.write_text(json.dumps(spec))
    python = tree / ".venv" / "bin" / "python"
    cmd = [str(python), "-c", CHILD, str(Path(__file__).resolve()), "--child", str(spec_file)]
    began = time.monotonic()
    done = subprocess.run(cmd, cwd=tree, stdout=log, stderr=log, env={**os.environ, "PYTHONPATH": ""})
    if done.returncode != 0:
        raise RuntimeError(f"{tree.name}: {spec['kind']} ({spec['backend']}) failed, see {log.name}")
    spec["wall_s"] = time.monotonic() - began
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


def _verdict(unit: str, old: list[float], new: list[float]) -> str:
    """'slower'/'faster' only when the two sides' ranges do not overlap; else 'noise'."""
    worse_if_higher = unit in LOWER_IS_BETTER
    if min(new) > max(old):
        return "slower" if worse_if_higher else "faster"
    if max(new) < min(old):
        return "faster" if worse_if_higher else "slower"
    return "noise"


def table(measures: dict[str, dict]) -> list[str]:
    lines = [
        "| entry | unit | old median (min-max) | new median (min-max) | new/old | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for name, m in measures.items():
        if not m["old"] or not m["new"]:
            continue
        o, n = _summary(m["old"]), _summary(m["new"])
        lines.append(
            f"| {name} | {m['unit']} | {o[0]:,.3g} ({o[1]:,.3g}-{o[2]:,.3g}) | {n[0]:,.3g} ({n[1]:,.3g}-{n[2]:,.3g}) "
            f"| {n[0] / o[0]:.2f} | {_verdict(m['unit'], m['old'], m['new'])} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return _child(argv[1])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", action="append", default=[], help="entries whose name contains this (repeatable)")
    args = parser.parse_args(argv)
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    for side, tree in trees.items():
        if not (tree / ".venv" / "bin" / "python").exists():
            parser.error(f"{side} tree {tree} has no .venv (make .venv/.installed there)")
    entries = {k: v for k, v in ENTRIES.items() if not args.only or any(o in k for o in args.only)}

    from tests.support.infra import say
    from tests.support.kafka_source import KafkaSource
    from tests.support.postgres_source import PostgresSource

    tmp = Path(tempfile.mkdtemp(prefix="tongxin-compare-"))
    heads = {
        side: subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=t, capture_output=True, text=True
        ).stdout.strip()
        for side, t in trees.items()
    }
    say(f"old {trees['old']} ({heads['old']}), new {trees['new']} ({heads['new']}); logs and data in {tmp}")
    postgres = PostgresSource().start(tmp) if any(e["backend"] == "PostgreSQL" for e in entries.values()) else None
    kafka = (
        KafkaSource().start_local(tmp / "kafka") if any(e["kind"] == "end_to_end" for e in entries.values()) else None
    )
    measures: dict[str, dict] = {}
    loads: list[tuple[float, float, float]] = []
    began = time.monotonic()
    try:
        for rnd in range(1, args.rounds + 1):
            for entry, params in entries.items():
                if params["backend"] == "PostgreSQL" and postgres is None:
                    continue
                for side, tree in trees.items():
                    run_dir = tmp / f"r{rnd}-{side}-{re.sub(r'[^a-z]+', '-', entry.lower())}"
                    spec = _spec(params, tree, run_dir, postgres, kafka)
                    load = _load()
                    loads.append(load)
                    with open(run_dir / "log.txt", "w") as log:
                        results = _spawn(tree, spec, log)
                    if params["kind"] == "end_to_end":
                        _delete_topics(kafka.access)
                    say(f"round {rnd} {side:3} {entry}: {spec['wall_s']:.0f} s, load before {_fmt(load)}")
                    for r in results:
                        name = RATE_IN_NAME.sub("at half of saturation", r["name"])
                        m = measures.setdefault(f"{r['group']}: {name}", {"unit": r["unit"], "old": [], "new": []})
                        m[side].append(r["value"])
    finally:
        if kafka is not None:
            kafka.stop()
        if postgres is not None:
            postgres.stop()
    lines = [
        f"Old {heads['old']}, new {heads['new']}; {args.rounds} rounds, each entry old then new in its own "
        f"process; {time.monotonic() - began:.0f} s; {os.cpu_count()} CPUs.",
        f"Load average (1/5/15 min) before each run: first {_fmt(loads[0])}, "
        f"lowest {_fmt(min(loads))}, highest {_fmt(max(loads))}, median 1-min "
        f"{statistics.median(one for one, _, _ in loads):.2f}.",
        "",
        *table(measures),
        "",
        "Verdict: 'noise' when the two sides' min-max ranges overlap; else 'slower' or 'faster'.",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
