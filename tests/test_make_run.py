"""`make run`, headless: start the platform, probe every printed URL, stop cleanly."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from tests.support.infra import ROOT, free_port

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


def test_the_platform_starts_serves_every_printed_url_and_stops(tmp_path):
    offset = random.randint(200, 900)
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "deploy" / "run_platform.py"),
            "--check",
            "--var",
            str(tmp_path / "var"),
            "--kafka-port",
            str(free_port()),
            "--port-offset",
            str(offset),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    out = run.stdout
    assert run.returncode == 0, out + run.stderr[-3000:]
    assert "Tongxin is running" in out and "FAIL" not in out
    probed = [line for line in out.splitlines() if line.strip().startswith("200 http://")]
    assert len(probed) >= 5
    assert out.rstrip().endswith("stopping ...")
    # a second start reuses the data directory
    again = subprocess.run(
        [
            sys.executable,
            str(ROOT / "deploy" / "run_platform.py"),
            "--check",
            "--var",
            str(tmp_path / "var"),
            "--kafka-port",
            str(free_port()),
            "--port-offset",
            str(offset),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert again.returncode == 0, again.stdout + again.stderr[-3000:]
