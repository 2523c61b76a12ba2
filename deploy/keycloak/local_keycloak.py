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

Creating Keycloak's database schema and its master realm takes about half of a first
start (16 s of 37 s here). The fetch step therefore also starts Keycloak once on a blank
folder and keeps that database (schema, master realm, bootstrap admin) in
``dist/blank-database/``; a new data folder starts from a copy of it and only imports the
tongxin realm. The copies share that one bootstrap admin (a random password made at fetch
time, in a 0600 file; Keycloak listens on 127.0.0.1 only).

    python deploy/keycloak/local_keycloak.py run --data-dir var/keycloak --port 8080
    python deploy/keycloak/local_keycloak.py fetch     # fetch and unpack the distribution only

Standard library only, so it works before any virtualenv exists. The realm's files and addresses
are in ``tongxin_realm.py``, the distribution's fetch in ``keycloak_dist.py``.
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
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from keycloak_dist import BLANK_DATABASE, BUILD_OPTIONS, BUILT, DIST, HOME, fetch_dist
from tongxin_realm import DEV_CLIENT_SECRETS, REALM, RealmEndpoints, write_development_realm

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
        if not (BUILT.exists() and BUILT.read_text() == " ".join(BUILD_OPTIONS)):
            if not (HOME / "bin" / "kc.sh").exists():
                fetch_dist(quiet)
            out = subprocess.DEVNULL if quiet else None
            subprocess.run([str(HOME / "bin" / "kc.sh"), "build", *BUILD_OPTIONS], check=True, stdout=out)
            shutil.rmtree(BLANK_DATABASE, ignore_errors=True)  # made by the previous build
            BUILT.write_text(" ".join(BUILD_OPTIONS))
        if not (BLANK_DATABASE / "bootstrap-admin.json").exists():
            _make_blank_database()
    return HOME


def _make_blank_database() -> None:
    """Start Keycloak once on a scratch folder without importing any realm, stop it, and keep its
    database (schema, master realm, bootstrap admin) in ``BLANK_DATABASE`` for new data folders."""
    scratch = DIST / "blank-database.tmp"
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.rmtree(BLANK_DATABASE, ignore_errors=True)
    keycloak = LocalKeycloak(scratch)
    keycloak.launch(import_realm=False, blank=False)
    try:
        keycloak.wait_until_ready(realm="master")
    finally:
        keycloak.stop()
    BLANK_DATABASE.mkdir(mode=0o700)
    shutil.copytree(scratch / "data" / "h2", BLANK_DATABASE / "h2")
    shutil.copy2(scratch / "bootstrap-admin.json", BLANK_DATABASE / "bootstrap-admin.json")  # last: "made"
    shutil.rmtree(scratch)


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
            self._own_folder()
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
                f.write(json.dumps({"username": "admin", "password": secrets.token_urlsafe(24)}))
        return json.loads(path.read_text())

    def _own_folder(self) -> None:
        """The data folder holds the realm's private signing keys and password hashes: this user's only."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)

    def _prepare_home(self, import_realm: bool, blank: bool) -> None:
        # Keycloak's home is the data folder: data/ (H2, import), an empty providers/, and
        # the built server's lib/ (a link: the server checks its home for the build).
        self._own_folder()
        (self.data_dir / "providers").mkdir(parents=True, exist_ok=True)
        lib = self.data_dir / "lib"
        if not lib.is_symlink():
            lib.symlink_to(HOME / "lib", target_is_directory=True)
        database = self.data_dir / "data" / "h2"
        if blank and not database.exists() and (BLANK_DATABASE / "h2").exists():
            shutil.copytree(BLANK_DATABASE / "h2", database)
            shutil.copy2(BLANK_DATABASE / "bootstrap-admin.json", self.data_dir / "bootstrap-admin.json")
        if import_realm:
            write_development_realm(self.data_dir / "data" / "import")

    def _command(self, import_realm: bool) -> list[str]:
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
            *(["--import-realm"] if import_realm else []),
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

    def launch(self, import_realm: bool = True, blank: bool = True) -> LocalKeycloak:
        """Start the process and return at once (``make run`` starts Kafka meanwhile). A new data
        folder starts from the blank database (``blank``) and imports the tongxin realm."""
        if blank:
            ensure_dist()
        self._prepare_home(import_realm, blank)
        self._began = time.monotonic()
        self.process = subprocess.Popen(
            self._command(import_realm),
            env=self._env(),
            stdout=open(self.log_file, "ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def wait_until_ready(self, realm: str = REALM) -> LocalKeycloak:
        self._poll_discovery(realm)
        self.startup_seconds = time.monotonic() - self._began
        return self

    def _poll_discovery(self, realm: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        discovery = f"{self.url}/realms/{realm}/.well-known/openid-configuration"
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
