"""Where the tests get their real Kafka broker, PostgreSQL server and Keycloak.

Order of choice, for each: an address from the environment
(``KAFKA_BOOTSTRAP_SERVERS``, which must come with SASL_SSL credentials, ``TEST_POSTGRES_URL``,
``TEST_KEYCLOAK_URL``); for PostgreSQL and Keycloak a testcontainers container if a Docker
engine answers; otherwise a local process started here (the Maven-resolved Kafka broker from
``deploy/kafka``, always secured like production, Debian's PostgreSQL in a temporary cluster,
the Maven-fetched Keycloak from ``deploy/keycloak``).
Each choice is printed so the output says what the tests ran against.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from chassis.kafka import KafkaAccess

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "kafka"))
sys.path.insert(0, str(ROOT / "deploy" / "keycloak"))

from local_kafka import LocalKafka, free_port  # noqa: E402
from local_keycloak import (  # noqa: E402
    DEV_CLIENT_SECRETS,
    KEYCLOAK_IMAGE,
    LocalKeycloak,
    RealmEndpoints,
    write_development_realm,
)

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


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


class KafkaSource:
    """A running broker for the session, how to reach it as each principal, and how to stop it.

    Tests talk to it as ``admin`` (``access``, a super user) unless they ask for a service's
    or an agency's principal (``access_for``), as the security tests and the e2e platform do.
    """

    def __init__(self):
        self.bootstrap = ""
        self.kind = ""
        self.access: KafkaAccess | None = None
        #: SCRAM passwords per principal, when this suite made the broker (else unknown).
        self.credentials: dict[str, str] = {}
        #: The same broker without TLS or SASL (the benchmark's baseline), if asked for.
        self.plaintext: KafkaAccess | None = None
        self._ca_file = ""
        #: The broker process, when this suite started it (its ports and data folder).
        self.broker: LocalKafka | None = None
        self._stop = lambda: None

    def start(self, tmp: Path, plaintext_listener: bool = False) -> KafkaSource:
        """The local secured broker, or the one KAFKA_BOOTSTRAP_SERVERS names, which must then
        come with SASL_SSL credentials: a suite never runs against an unsecured broker unawares."""
        if env := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
            self.access = KafkaAccess.from_env()
            if self.access.security_protocol != "SASL_SSL" or not self.access.sasl_password:
                raise RuntimeError(
                    f"KAFKA_BOOTSTRAP_SERVERS={env} needs KAFKA_SECURITY_PROTOCOL=SASL_SSL and the admin "
                    "principal's KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD (and KAFKA_SSL_CAFILE); unset it "
                    "to use the local secured broker"
                )
            self.bootstrap, self.kind = env, f"KAFKA_BOOTSTRAP_SERVERS={env} (SASL_SSL)"
            say(f"Kafka: {self.kind}")
            return self
        return self.start_local(tmp, plaintext_listener)

    def start_local(self, tmp: Path, plaintext_listener: bool = False, note: str = "") -> KafkaSource:
        """Always a broker of our own (deploy/kafka), whose every principal's password we know."""
        broker = LocalKafka(tmp / "kafka", plaintext_listener=plaintext_listener).start()
        self.broker, self.bootstrap = broker, broker.bootstrap_servers
        self.kind = "local Apache Kafka broker (deploy/kafka, KRaft, SASL_SSL + ACLs), " + (
            f"started in {broker.startup_seconds:.1f}s"
        )
        self.access = KafkaAccess.from_env(broker.client_env("admin"))
        self.credentials, self._ca_file = broker.credentials(), str(broker.ca_file)
        if broker.plaintext_port:
            self.plaintext = KafkaAccess(f"127.0.0.1:{broker.plaintext_port}", security_protocol="PLAINTEXT")
        self._stop = broker.stop
        say(f"Kafka: {self.kind} at {self.bootstrap}{note}")
        return self

    def access_for(self, principal: str, password: str | None = None) -> KafkaAccess:
        """The broker as ``principal`` (its real password unless another is given)."""
        return dataclasses.replace(
            self.access,
            sasl_username=principal,
            sasl_password=self.credentials[principal] if password is None else password,
            ssl_cafile=self._ca_file or self.access.ssl_cafile,
        )

    def settings(self, principal: str = "admin") -> dict[str, str]:
        """Service settings fields (``kafka_*``) to reach the broker as ``principal``."""
        access = self.access if principal == "admin" else self.access_for(principal)
        return {f"kafka_{f.name}": getattr(access, f.name) for f in dataclasses.fields(access)}

    def env(self, principal: str = "admin") -> dict[str, str]:
        """The same as environment variables, for a subprocess."""
        return {k.upper(): v for k, v in self.settings(principal).items()}

    def stop(self) -> None:
        self._stop()


class PostgresSource:
    """A PostgreSQL server for the session; ``new_database()`` gives each test a fresh one."""

    def __init__(self):
        self.admin_url = ""
        self.kind = ""
        self._stop = lambda: None

    def start(self, tmp: Path) -> PostgresSource | None:
        if env := os.environ.get("TEST_POSTGRES_URL"):
            self.admin_url, self.kind = env, "TEST_POSTGRES_URL"
        elif docker_available():
            from testcontainers.postgres import PostgresContainer

            container = PostgresContainer("postgres:16-alpine", driver="psycopg").start()
            self.admin_url, self.kind = container.get_connection_url(), "testcontainers PostgreSQL"
            self._stop = container.stop
        elif PG_BIN_DIRS:
            self._start_local_cluster()
        else:
            return None
        say(f"PostgreSQL: {self.kind}")
        return self

    def _start_local_cluster(self) -> None:
        # initdb refuses to run as root: as root, the cluster belongs to the postgres
        # user, in a directory of its own (pytest's tmp dirs are private to root).
        bin_dir = PG_BIN_DIRS[0]
        base = Path(tempfile.mkdtemp(prefix="tongxin-pg-"))
        data, socket_dir = base / "data", base / "sock"
        socket_dir.mkdir()
        port = free_port()
        run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if run_as:
            for path in (base, socket_dir):
                shutil.chown(path, "postgres")
        subprocess.run(
            [
                *run_as,
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        subprocess.run(
            [
                *run_as,
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(data / "server.log"),
                "-w",
                "start",
            ],
            check=True,
            capture_output=True,
        )
        self.admin_url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        self.kind = f"local PostgreSQL cluster ({bin_dir.parent.name}) on 127.0.0.1:{port}"

        def stop() -> None:
            subprocess.run(
                [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True
            )
            shutil.rmtree(base, ignore_errors=True)

        self._stop = stop

    def new_database(self) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return sa.engine.make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def stop(self) -> None:
        self._stop()


class KeycloakSource(RealmEndpoints):
    """A Keycloak with the tongxin realm imported, for the session, and its bootstrap admin."""

    def __init__(self):
        self.url = ""
        self.kind = ""
        self.admin: dict[str, str] = {}
        self._stop = lambda: None

    def start(self, tmp: Path) -> KeycloakSource:
        if env := os.environ.get("TEST_KEYCLOAK_URL"):
            # An operator's Keycloak with the realm imported; TEST_KEYCLOAK_ADMIN is "user:password".
            user, _, password = os.environ.get("TEST_KEYCLOAK_ADMIN", "admin:").partition(":")
            self.url, self.admin = env.rstrip("/"), {"username": user, "password": password}
            self.kind = f"TEST_KEYCLOAK_URL={env}"
        elif docker_available():
            self._start_container(tmp)
        else:
            keycloak = LocalKeycloak(tmp / "keycloak").start()
            self.url, self.admin, self._stop = keycloak.url, keycloak.bootstrap_admin(), keycloak.stop
            self.kind = f"local Keycloak (deploy/keycloak), started in {keycloak.startup_seconds:.1f}s"
        suffix = " (no Docker engine here, so no testcontainers)" if "local" in self.kind else ""
        say(f"Keycloak: {self.kind} at {self.url}{suffix}")
        return self

    def _start_container(self, tmp: Path) -> None:
        from testcontainers.core.container import DockerContainer

        self.admin = {"username": "admin", "password": uuid.uuid4().hex}
        realm = write_development_realm(tmp / "keycloak-import")  # the demo accounts and e2e client: tests only
        container = (
            DockerContainer(KEYCLOAK_IMAGE)
            .with_env("KC_BOOTSTRAP_ADMIN_USERNAME", self.admin["username"])
            .with_env("KC_BOOTSTRAP_ADMIN_PASSWORD", self.admin["password"])
            .with_env("TONGXIN_CONSOLE_CLIENT_SECRET", DEV_CLIENT_SECRETS["TONGXIN_CONSOLE_CLIENT_SECRET"])
            .with_volume_mapping(str(realm), f"/opt/keycloak/data/import/{realm.name}", "ro")
            .with_exposed_ports(8080)
            .with_command("start-dev --import-realm")
        )
        container.start()
        self.url = f"http://{container.get_container_host_ip()}:{container.get_exposed_port(8080)}"
        self.kind, self._stop = f"testcontainers {KEYCLOAK_IMAGE}", container.stop
        wait_for(lambda: _answers(f"{self.issuer}/.well-known/openid-configuration"), 180, 1, "Keycloak to be ready")

    def admin_token(self) -> str:
        """An access token of the master realm's admin, for Keycloak's admin API."""
        import requests

        answer = requests.post(
            f"{self.url}/realms/master/protocol/openid-connect/token",
            data={"grant_type": "password", "client_id": "admin-cli", **self.admin},
            timeout=10,
        )
        answer.raise_for_status()
        return answer.json()["access_token"]

    def stop(self) -> None:
        self._stop()


def _answers(url: str) -> bool:
    import requests

    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
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
