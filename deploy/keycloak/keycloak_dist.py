"""The Keycloak distribution: ``org.keycloak:keycloak-quarkus-dist`` from Maven Central, unpacked
into ``dist/`` beside this file, and where its build and blank database live. Standard library only."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

VERSION = "26.5.6"
HERE = Path(__file__).resolve().parent
DIST = HERE / "dist"
HOME = DIST / f"keycloak-{VERSION}"
ARTIFACT = f"org.keycloak:keycloak-quarkus-dist:{VERSION}:tar.gz"
#: The official image of the same version, for machines with a Docker engine (tests, compose).
KEYCLOAK_IMAGE = f"quay.io/keycloak/keycloak:{VERSION}"
#: Build-time options (``kc.sh build``); every start repeats them, as ``--optimized`` requires.
BUILD_OPTIONS = ("--db=dev-file", "--cache=local")
BUILT = DIST / f".built-{VERSION}"
#: Keycloak's H2 database after a first start with no realm imported, and its bootstrap admin.
BLANK_DATABASE = DIST / "blank-database"


def fetch_dist(quiet: bool) -> None:
    if not shutil.which("mvn"):
        raise RuntimeError("Maven (mvn) is needed once to fetch the Keycloak distribution")
    cmd = ["mvn", "-B", "dependency:copy", f"-Dartifact={ARTIFACT}", f"-DoutputDirectory={DIST}"]
    if quiet:
        cmd.insert(1, "-q")
    subprocess.run(cmd, check=True)
    archive = DIST / f"keycloak-quarkus-dist-{VERSION}.tar.gz"
    with tarfile.open(archive) as tar:
        tar.extractall(DIST, filter="tar")
    archive.unlink()
