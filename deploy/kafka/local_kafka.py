"""A real single-node Apache Kafka broker (KRaft, broker+controller) for this machine.

The broker jars come from Maven Central through ``pom.xml`` beside this file and are
cached in ``lib/``; once resolved, starting a broker never touches the network.
``make run`` and the test suite both start their broker through this module.

    python deploy/kafka/local_kafka.py run --data-dir var/kafka --port 9092
    python deploy/kafka/local_kafka.py fetch     # resolve the jars only

It runs locked down like a production broker: a SASL_SSL listener (TLS with a CA made on
the first run, see tls.py; SCRAM-SHA-512), KRaft's StandardAuthorizer denying whatever no
ACL allows, one SCRAM user per principal of ``chassis.principals`` (passwords generated on
the first run into ``<data-dir>/credentials.json``, mode 0600) and, after each start, every
topic with its retention and every ACL (``chassis.kafka_provision``). The KRaft controller
listener is TLS requiring the broker's own certificate, so nobody else can change ACLs there;
the data folder is mode 0700. ``fetch`` needs the
standard library only; ``run`` needs the virtualenv (cryptography, kafka-python, chassis).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
LIB = HERE / "lib"
STAMP = LIB / ".pom-sha256"
CDS_ARCHIVE = LIB / "kafka-cds.jsa"
START_TIMEOUT_S = 90.0

LOG4J2 = """\
Configuration:
  status: warn
  Appenders:
    File:
      name: FILE
      fileName: "{log}"
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: FILE
    Logger:
      - name: kafka.request.logger
        level: WARN
      - name: org.apache.kafka.controller
        level: INFO
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def _cluster_id() -> str:
    raw = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    return raw if not raw.startswith("-") else "A" + raw[1:]


ADMIN = "admin"
#: The principal of the broker certificate (tls.py, first host name), the controller's only peer.
BROKER_PRINCIPAL = "User:CN=localhost"
#: Topics the benchmark's unauthenticated PLAINTEXT listener may create and write, nothing else.
BENCH_ANONYMOUS_PREFIX = "bench-relay-"


def server_properties(
    data_dir: Path, port: int, controller_port: int, admin_password: str, plaintext_port: int | None = None
) -> str:
    tls = data_dir / "tls"
    listeners = [f"SASL_SSL://127.0.0.1:{port}"]
    # The controller listener is TLS with client certificates required: KRaft keeps the SCRAM
    # credentials in the metadata log the controller itself serves, so the controller cannot use
    # SCRAM; its only peer (this same process) presents the broker certificate, the only one the
    # CA ever signed (tls.py discards the CA key), and that certificate's subject is the super
    # user. A client without it cannot even finish the handshake, let alone change ACLs.
    protocols = ["SASL_SSL:SASL_SSL", "CONTROLLER:SSL"]
    if plaintext_port:
        # Only for the benchmark's TLS+SASL cost comparison: clients on this listener are
        # ANONYMOUS, a principal with no super-user rights and only the benchmark's ACLs
        # (BENCH_ANONYMOUS_PREFIX, see LocalKafka.benchmark_acls). Never in make run.
        listeners.append(f"PLAINTEXT://127.0.0.1:{plaintext_port}")
        protocols.append("PLAINTEXT:PLAINTEXT")
    return "\n".join(
        [
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.voters=1@127.0.0.1:{controller_port}",
            f"listeners={','.join([*listeners, f'CONTROLLER://127.0.0.1:{controller_port}'])}",
            f"advertised.listeners={','.join(listeners)}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=SASL_SSL",
            f"listener.security.protocol.map={','.join(protocols)}",
            "sasl.enabled.mechanisms=SCRAM-SHA-512",
            "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config="
            "org.apache.kafka.common.security.scram.ScramLoginModule required "
            f'username="{ADMIN}" password="{admin_password}";',
            "ssl.keystore.type=PEM",
            f"ssl.keystore.location={tls / 'broker.pem'}",
            "ssl.truststore.type=PEM",
            f"ssl.truststore.location={tls / 'ca.crt'}",
            "ssl.endpoint.identification.algorithm=https",
            "listener.name.controller.ssl.client.auth=required",
            "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "allow.everyone.if.no.acl.found=false",
            f"super.users=User:{ADMIN};{BROKER_PRINCIPAL}",
            # Compaction is checked every second (default 15 s), so a test sees it promptly.
            "log.cleaner.backoff.ms=1000",
            f"log.dirs={data_dir / 'logs'}",
            "num.partitions=3",
            "auto.create.topics.enable=true",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "log.retention.hours=168",
            "",
        ]
    )


class LocalKafka:
    """One broker process. ``start()`` returns once clients can connect and ACLs are in place."""

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        controller_port: int | None = None,
        plaintext_listener: bool = False,
    ):
        self.data_dir = Path(data_dir).resolve()
        self.port = port or free_port()
        self.controller_port = controller_port or free_port()
        #: An extra unauthenticated listener, for the benchmark's comparison only.
        self.plaintext_port = free_port() if plaintext_listener else None
        self.process: subprocess.Popen | None = None
        self.startup_seconds: float | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "server.log"

    @property
    def ca_file(self) -> Path:
        return self.data_dir / "tls" / "ca.crt"

    @property
    def credentials_file(self) -> Path:
        return self.data_dir / "credentials.json"

    def credentials(self) -> dict[str, str]:
        """SCRAM password per principal (the admin and every ``chassis.principals`` one)."""
        return json.loads(self.credentials_file.read_text())

    def client_env(self, principal: str) -> dict[str, str]:
        """The environment a process needs to reach this broker as ``principal``."""
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_USERNAME": principal,
            "KAFKA_SASL_PASSWORD": self.credentials()[principal],
            "KAFKA_SSL_CAFILE": str(self.ca_file),
        }

    def _java(self, main: str, *args: str, jvm: tuple[str, ...] = ()) -> list[str]:
        java = os.environ.get("JAVA_HOME")
        java_bin = str(Path(java) / "bin" / "java") if java else "java"
        return [
            java_bin,
            *jvm,
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.data_dir / 'log4j2.yaml'}",
            "-cp",
            f"{LIB}/*",
            main,
            *args,
        ]

    def _ensure_credentials(self, formatted: bool) -> dict[str, str]:
        """Passwords for every declared principal, made once. SCRAM users can only be added
        when the storage is formatted, so storage formatted for other principals (or before
        the broker was secured) is wiped: local data, rebuilt by the services' outboxes."""
        from chassis.principals import all_principals

        names = [ADMIN, *(p.name for p in all_principals())]
        known = self.credentials() if self.credentials_file.exists() else {}
        if formatted and set(known) == set(names):
            return known
        if formatted:
            print(f"Kafka: principals changed, formatting {self.data_dir / 'logs'} afresh", flush=True)
            shutil.rmtree(self.data_dir / "logs")
        credentials = {n: known.get(n) or secrets.token_urlsafe(32) for n in names}
        fd = os.open(self.credentials_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(credentials, out, indent=2)
        return credentials

    def _configure(self) -> tuple[Path, dict[str, str]]:
        from tls import ensure_broker_certificate

        self.data_dir.mkdir(parents=True, exist_ok=True)
        # Records of every person, the passwords and the broker key: this user's eyes only.
        self.data_dir.chmod(0o700)
        ensure_broker_certificate(self.data_dir / "tls")
        credentials = self._ensure_credentials((self.data_dir / "logs" / "meta.properties").exists())
        (self.data_dir / "log4j2.yaml").write_text(LOG4J2.format(log=self.log_file))
        props = self.data_dir / "server.properties"
        text = server_properties(
            self.data_dir, self.port, self.controller_port, credentials[ADMIN], self.plaintext_port
        )
        fd = os.open(props, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the admin password
        with os.fdopen(fd, "w") as out:
            out.write(text)
        id_file = self.data_dir / "cluster.id"
        if not id_file.exists():
            id_file.write_text(_cluster_id())
        return props, credentials

    def start(self) -> LocalKafka:
        ensure_jars()
        props, credentials = self._configure()
        began = time.monotonic()
        # The passwords are arguments of this short-lived formatter (its only interface), seen by
        # local users for a moment; on a shared machine, keep the broker on a machine of its own.
        scram = [arg for name, password in credentials.items()
                 for arg in ("--add-scram", f"SCRAM-SHA-512=[name={name},password={password}]")]  # fmt: skip
        cluster_id = (self.data_dir / "cluster.id").read_text().strip()
        subprocess.run(
            self._java("kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(props), "-g", *scram),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.process = subprocess.Popen(
            self._java("kafka.Kafka", str(props), jvm=self._jvm_flags()),
            stdout=open(self.data_dir / "stdout.log", "ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_until_ready()
        self._provision()
        self.startup_seconds = time.monotonic() - began
        return self

    def _provision(self) -> None:
        """Topics with their retention and every principal's ACLs, as the admin (idempotent)."""
        from chassis.kafka import KafkaAccess
        from chassis.kafka_provision import provision

        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                return provision(KafkaAccess.from_env(self.client_env(ADMIN)), extra_acls=self.benchmark_acls())
            except Exception:  # the listener opens a moment before the authorizer has its metadata
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.5)

    def benchmark_acls(self) -> tuple:
        """ANONYMOUS (the PLAINTEXT listener's clients) may create, write and describe the
        benchmark's relay topics only: no platform topic, no group, no cluster operation."""
        if not self.plaintext_port:
            return ()
        from kafka.admin import (
            ACL,
            ACLOperation,
            ACLPermissionType,
            ACLResourcePatternType,
            ResourcePattern,
            ResourceType,
        )

        topics = ResourcePattern(ResourceType.TOPIC, BENCH_ANONYMOUS_PREFIX, ACLResourcePatternType.PREFIXED)
        ops = (ACLOperation.CREATE, ACLOperation.WRITE, ACLOperation.DESCRIBE)
        return tuple(ACL("User:ANONYMOUS", "*", op, ACLPermissionType.ALLOW, topics) for op in ops)

    def _jvm_flags(self) -> tuple[str, ...]:
        heap = ("-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1")
        # Class-data sharing, as Kafka's own image does: the first run writes the
        # archive on exit, later runs map it and start faster.
        if CDS_ARCHIVE.exists():
            return (*heap, f"-XX:SharedArchiveFile={CDS_ARCHIVE}", "-Xshare:auto")
        return (*heap, f"-XX:ArchiveClassesAtExit={CDS_ARCHIVE}")

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Kafka exited with {self.process.returncode}; see {self.log_file}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"Kafka not ready after {START_TIMEOUT_S}s; see {self.log_file}")

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM, wait for a clean shutdown, SIGKILL only if it hangs."""
        if not self.process or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """Stop abruptly, like a crash or a pulled cable (used by fault tests)."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fetch", help="resolve the broker jars into deploy/kafka/lib")
    run = sub.add_parser("run", help="run a broker in the foreground until Ctrl-C or SIGTERM")
    run.add_argument("--data-dir", default="var/kafka")
    run.add_argument("--port", type=int, default=9092)
    run.add_argument("--controller-port", type=int, default=None)
    args = parser.parse_args(argv)
    if args.command == "fetch":
        print(ensure_jars(quiet=False))
        return 0
    broker = LocalKafka(Path(args.data_dir), args.port, args.controller_port)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    broker.start()
    print(f"Kafka ready at {broker.bootstrap_servers} in {broker.startup_seconds:.1f}s (SASL_SSL; CA "
          f"{broker.ca_file}, passwords in {broker.credentials_file})", flush=True)  # fmt: skip
    try:
        broker.process.wait()
    except KeyboardInterrupt:
        broker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
