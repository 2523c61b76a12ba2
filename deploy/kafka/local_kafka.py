"""A real single-node Apache Kafka broker (KRaft, broker+controller) for this machine.

The broker jars come from Maven Central through ``pom.xml`` beside this file and are
cached in ``lib/`` (``broker_jars.py``); once resolved, starting a broker never touches
the network. ``make run`` and the test suite both start their broker through this module.

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

This module controls the broker process; ``broker_config.py`` writes its ``server.properties``,
``broker_security.py`` keeps its SCRAM passwords and provisions topics and ACLs.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from broker_config import ADMIN, LOG4J2, START_TIMEOUT_S, cluster_id, server_properties  # noqa: E402
from broker_jars import CDS_ARCHIVE, LIB, ensure_jars  # noqa: E402
from broker_security import BrokerSecurity  # noqa: E402

__all__ = ["LIB", "LocalKafka", "ensure_jars", "free_port", "main"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalKafka(BrokerSecurity):
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
            id_file.write_text(cluster_id())
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
