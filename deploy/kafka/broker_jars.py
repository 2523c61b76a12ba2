"""The broker's jars: resolved once from Maven Central through ``pom.xml`` into ``lib/`` (standard
library only: ``local_kafka.py fetch`` runs before the virtualenv exists)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIB = HERE / "lib"
STAMP = LIB / ".pom-sha256"
CDS_ARCHIVE = LIB / "kafka-cds.jsa"


def _pom_digest() -> str:
    return hashlib.sha256((HERE / "pom.xml").read_bytes()).hexdigest()


def ensure_jars(quiet: bool = True) -> Path:
    """Resolve the broker classpath into lib/ unless the cache matches pom.xml."""
    if STAMP.exists() and STAMP.read_text().strip() == _pom_digest():
        return LIB
    if not shutil.which("mvn"):
        raise RuntimeError("Maven (mvn) is needed once to fetch the Kafka jars")
    if LIB.exists():
        shutil.rmtree(LIB)
    cmd = ["mvn", "-B", "-f", str(HERE / "pom.xml"), "dependency:copy-dependencies"]
    if quiet:
        cmd.insert(1, "-q")
    subprocess.run(cmd, check=True)
    STAMP.write_text(_pom_digest())
    return LIB
