"""A real Keycloak (the identity provider) for this machine, without Docker.

The Keycloak distribution comes from Maven Central (``org.keycloak:keycloak-quarkus-dist``,
a tar.gz) and is unpacked and built once into ``dist/`` beside this file, like the
Kafka jars; once there, starting Keycloak never touches the network. It is built for
the embedded H2 database and a local (unclustered) cache and started ``--optimized``:
``start-dev`` would rebuild the server (about 10 s) on every start. Each instance
keeps its state in its own data folder (Keycloak's home there: H2 database, imported
realm, generated bootstrap admin), listens on 127.0.0.1 only, and imports the
``tongxin`` realm on its first start: the production realm ``tongxin-realm.json`` (no
accounts, no secret in it) merged with ``tongxin-realm.dev.json`` (demo staff accounts,
the demo seeder and the password-grant e2e client, with repository secrets), which only
this module imports. ``make run`` and the test suite both start their Keycloak through
this module; compose and Kubernetes import the production realm alone.

    python deploy/keycloak/local_keycloak.py run --data-dir var/keycloak --port 8080
    python deploy/keycloak/local_keycloak.py fetch     # fetch and unpack the distribution only

Standard library only, so it works before any virtualenv exists.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

VERSION = "26.5.6"
HERE = Path(__file__).resolve().parent
DIST = HERE / "dist"
HOME = DIST / f"keycloak-{VERSION}"
ARTIFACT = f"org.keycloak:keycloak-quarkus-dist:{VERSION}:tar.gz"
REALM_FILE = HERE / "tongxin-realm.json"
DEV_REALM_FILE = HERE / "tongxin-realm.dev.json"
#: The production realm's client secrets, for this machine only (``${VAR}`` in the realm file).
DEV_CLIENT_SECRETS = {
    "TONGXIN_CONSOLE_CLIENT_SECRET": "dev-only-console-client-secret-change-me",
    "TONGXIN_CONSOLE_STAFF_CLIENT_SECRET": "dev-only-console-staff-secret-change-me",
}
REALM = "tongxin"
#: The official image of the same version, for machines with a Docker engine (tests, compose).
KEYCLOAK_IMAGE = f"quay.io/keycloak/keycloak:{VERSION}"
#: Build-time options (``kc.sh build``); every start repeats them, as ``--optimized`` requires.
BUILD_OPTIONS = ("--db=dev-file", "--cache=local")
BUILT = DIST / f".built-{VERSION}"
START_TIMEOUT_S = 180.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_dist(quiet: bool = True) -> Path:
    """Fetch, unpack and build the distribution in dist/ unless done (one process at a time)."""
    DIST.mkdir(exist_ok=True)
    with open(DIST / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if BUILT.exists() and BUILT.read_text() == " ".join(BUILD_OPTIONS):
            return HOME
        if not (HOME / "bin" / "kc.sh").exists():
            _fetch(quiet)
        out = subprocess.DEVNULL if quiet else None
        subprocess.run([str(HOME / "bin" / "kc.sh"), "build", *BUILD_OPTIONS], check=True, stdout=out)
        BUILT.write_text(" ".join(BUILD_OPTIONS))
    return HOME


def _fetch(quiet: bool) -> None:
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


def development_realm() -> dict:
    """The production realm with the development-only clients and accounts added."""
    realm = json.loads(REALM_FILE.read_text())
    dev = json.loads(DEV_REALM_FILE.read_text())
    realm["clients"] = realm["clients"] + dev["clients"]
    realm["users"] = realm.get("users", []) + dev["users"]
    return realm


def write_development_realm(folder: Path) -> Path:
    """The development realm as one import file in ``folder`` (Keycloak imports a realm once, from one file)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REALM_FILE.name
    path.write_text(json.dumps(development_realm(), ensure_ascii=False, indent=2))
    return path


def demo_users() -> list[dict]:
    """The development realm's demo users (not service accounts): user name, roles, unit, password, display name."""
    realm = json.loads(DEV_REALM_FILE.read_text())
    return [
        {
            "username": user["username"],
            "roles": user["realmRoles"],
            "unit": user["attributes"]["unit"][0],
            "password": user["credentials"][0]["value"],
            "name": f"{user['firstName']} {user.get('lastName', '')}".strip(),
        }
        for user in realm["users"]
        if user.get("credentials")
    ]


class RealmEndpoints:
    """The tongxin realm's addresses under a Keycloak's base ``url`` (local, container or operator's)."""

    url: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{REALM}"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/certs"

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/token"


class LocalKeycloak(RealmEndpoints):
    """One Keycloak process. ``start()`` returns once the tongxin realm answers."""

    def __init__(self, data_dir: Path, port: int | None = None):
        self.data_dir = Path(data_dir).resolve()
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.startup_seconds: float | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "keycloak.log"

    def bootstrap_admin(self) -> dict[str, str]:
        """The master realm's admin (user name, password): generated on the first start, kept 0600."""
        path = self.data_dir / "bootstrap-admin.json"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"username": "admin", "password": secrets.token_urlsafe(24)}))
            path.chmod(0o600)
        return json.loads(path.read_text())

    def _prepare_home(self) -> None:
        # Keycloak's home is the data folder: data/ (H2, import), an empty providers/, and
        # the built server's lib/ (a link: the server checks its home for the build).
        (self.data_dir / "providers").mkdir(parents=True, exist_ok=True)
        lib = self.data_dir / "lib"
        if not lib.is_symlink():
            lib.symlink_to(HOME / "lib", target_is_directory=True)
        write_development_realm(self.data_dir / "data" / "import")

    def _command(self) -> list[str]:
        return [
            str(HOME / "bin" / "kc.sh"),
            f"-Dkc.home.dir={self.data_dir}",
            "start",
            "--optimized",
            *BUILD_OPTIONS,
            "--http-enabled=true",
            "--http-host=127.0.0.1",
            f"--http-port={self.port}",
            f"--hostname={self.url}",
            "--import-realm",
        ]

    def _env(self) -> dict[str, str]:
        admin = self.bootstrap_admin()
        return {
            **DEV_CLIENT_SECRETS,
            **os.environ,
            "KC_BOOTSTRAP_ADMIN_USERNAME": admin["username"],
            "KC_BOOTSTRAP_ADMIN_PASSWORD": admin["password"],
            # C1 JIT only: about a third faster to start, and fast enough for development.
            "JAVA_OPTS_APPEND": "-XX:TieredStopAtLevel=1",
        }

    def start(self) -> LocalKeycloak:
        return self.launch().wait_until_ready()

    def launch(self) -> LocalKeycloak:
        """Start the process and return at once (``make run`` starts Kafka meanwhile)."""
        ensure_dist()
        self._prepare_home()
        self._began = time.monotonic()
        self.process = subprocess.Popen(
            self._command(),
            env=self._env(),
            stdout=open(self.log_file, "ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def wait_until_ready(self) -> LocalKeycloak:
        self._poll_discovery()
        self.startup_seconds = time.monotonic() - self._began
        return self

    def _poll_discovery(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        discovery = f"{self.issuer}/.well-known/openid-configuration"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Keycloak exited with {self.process.returncode}; see {self.log_file}")
            try:
                with urllib.request.urlopen(discovery, timeout=2) as answer:  # noqa: S310 (our own http URL)
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        self.stop()
        raise TimeoutError(f"Keycloak not ready after {START_TIMEOUT_S}s; see {self.log_file}")

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM to kc.sh and the JVM, wait for a clean shutdown, SIGKILL only if it hangs."""
        if not self.process or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fetch", help="fetch, unpack and build the distribution in deploy/keycloak/dist")
    run = sub.add_parser("run", help="run Keycloak in the foreground until Ctrl-C or SIGTERM")
    run.add_argument("--data-dir", default="var/keycloak")
    run.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    if args.command == "fetch":
        print(ensure_dist(quiet=False))
        return 0
    keycloak = LocalKeycloak(Path(args.data_dir), args.port)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    keycloak.start()
    print(f"Keycloak ready at {keycloak.issuer} in {keycloak.startup_seconds:.1f}s", flush=True)
    print(f"  admin console {keycloak.url}/admin/ (bootstrap admin in {keycloak.data_dir}/bootstrap-admin.json)")
    try:
        keycloak.process.wait()
    except KeyboardInterrupt:
        keycloak.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
