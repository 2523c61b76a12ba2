"""`make run`, headless: start the platform, probe every printed URL, stop cleanly, start again."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from tests.support.compose import SERVICES
from tests.support.infra import ROOT, free_port

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


def check_run(var, offset: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "deploy" / "run_platform.py"),
            "--check",
            "--var",
            str(var),
            "--kafka-port",
            str(free_port()),
            "--port-offset",
            str(offset),
            "--demo-people",
            "400",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def test_the_platform_starts_serves_every_printed_url_and_stops(tmp_path):
    offset = random.randint(200, 900)
    run = check_run(tmp_path / "var", offset)
    out = run.stdout
    assert run.returncode == 0, out + run.stderr[-3000:]
    assert "Tongxin is running" in out and "FAIL" not in out
    probed = [line for line in out.splitlines() if line.strip().startswith("200 http://")]
    # five URLs per service, the console's two, Keycloak's realm discovery, the four agency feeds
    assert len(probed) == len(SERVICES) * 5 + 2 + 1 + 4
    assert any(line.strip().startswith("supervision ") for line in out.splitlines())
    assert "Keycloak ready in" in out and "community-viewer" in out and "Tx-community-viewer-2026" in out
    assert "ApiKey tx." not in out and out.count(" tx.") == 4  # one demo key per agency
    assert out.rstrip().endswith("stopping ...")
    again = check_run(tmp_path / "var", offset)  # a second start reuses the data directory
    assert again.returncode == 0, again.stdout + again.stderr[-3000:]
    assert "demo data ready" in out and "already seeded (400 people)" in again.stdout
