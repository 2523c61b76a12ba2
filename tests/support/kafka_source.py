"""The tests' Kafka broker: the one ``KAFKA_BOOTSTRAP_SERVERS`` names (with SASL_SSL credentials),
or the local broker from ``deploy/kafka``, always secured like production."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from chassis.kafka import KafkaAccess
from tests.support.infra import LocalKafka, say


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
