"""Benchmark results and the report (Markdown and JSON) they are written to."""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import statistics
import subprocess
import time
from importlib import metadata
from pathlib import Path

REPORTS = Path(__file__).resolve().parent / "reports"


@dataclasses.dataclass
class Result:
    group: str
    name: str
    value: float
    unit: str
    baseline: str | None = None
    baseline_value: float | None = None
    target: str | None = None
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline_value in (None, 0):
            return None
        return self.value / self.baseline_value


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "mean": statistics.fmean(ordered)}


class Timer:
    def __enter__(self):
        self.began = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.began


def machine() -> dict:
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[:1]
    versions = {name: metadata.version(name) for name in ("sqlalchemy", "flask", "kafka-python", "gunicorn", "psycopg")}
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "java": java[0] if java else None,
        **versions,
    }


def write(results: list[Result], mode: str, seconds: float) -> Path:
    REPORTS.mkdir(exist_ok=True)
    info = machine()
    payload = {
        "mode": mode,
        "seconds": round(seconds, 1),
        "machine": info,
        "results": [dataclasses.asdict(r) | {"ratio": r.ratio} for r in results],
    }
    (REPORTS / f"{mode}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2))
    lines = [
        f"# Tongxin benchmarks ({mode})",
        "",
        f"Machine: {info['cpus']} CPUs, Python {info['python']}, {info['java']}; "
        f"SQLAlchemy {info['sqlalchemy']}, kafka-python {info['kafka-python']}, gunicorn {info['gunicorn']}. "
        f"Run took {seconds:.0f} s.",
        "",
        "| group | measure | value | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        base = f"{r.baseline}: {r.baseline_value:,.3g}" if r.baseline else ""
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else ""
        met = "" if r.met is None else ("yes" if r.met else "no")
        lines.append(
            f"| {r.group} | {r.name} | {r.value:,.3g} {r.unit} | {base} | {ratio} | {r.target or ''} | {met} |"
        )
    notes = [f"- {r.group} / {r.name}: {r.note}" for r in results if r.note]
    if notes:
        lines += ["", "Notes:", *notes]
    path = REPORTS / f"{mode}.md"
    path.write_text("\n".join(lines) + "\n")
    return path
