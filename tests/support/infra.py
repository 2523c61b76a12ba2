"""Where the tests get their real Kafka broker, PostgreSQL server and Keycloak.

Order of choice, for each: an address from the environment
(``KAFKA_BOOTSTRAP_SERVERS``, which must come with SASL_SSL credentials, ``TEST_POSTGRES_URL``,
``TEST_KEYCLOAK_URL``); for PostgreSQL and Keycloak a testcontainers container if a Docker
engine answers; otherwise a local process started here (the Maven-resolved Kafka broker from
``deploy/kafka``, always secured like production, Debian's PostgreSQL in a temporary cluster,
the Maven-fetched Keycloak from ``deploy/keycloak``).
Each choice is printed so the output says what the tests ran against.

The three sources are ``kafka_source``, ``postgres_source`` and ``keycloak_source`` beside this
module; this one holds the repository root, the deploy folders on the import path and the helpers
they share.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "kafka"))
sys.path.insert(0, str(ROOT / "deploy" / "keycloak"))

from local_kafka import LocalKafka, free_port  # noqa: E402

__all__ = ["ROOT", "LocalKafka", "docker_available", "free_port", "say", "wait_for"]


def say(message: str) -> None:
    sys.stderr.write(f"\n[tongxin tests] {message}\n")
    sys.stderr.flush()


def docker_available() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.1, message: str = "condition"):
    """Poll ``predicate`` until it returns a truthy value; fail loudly after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")
