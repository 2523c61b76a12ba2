"""The broker's security for ``LocalKafka`` (a mix-in): one SCRAM password per principal of
``chassis.principals`` (made once, kept mode 0600), the client settings that use them, and, after
each start, every topic and ACL provisioned as the admin (``chassis.kafka_provision``), with the
benchmark's anonymous ACLs when its PLAINTEXT listener is on. The TLS certificates are ``tls.py``'s."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path

from broker_config import ADMIN, BENCH_ANONYMOUS_PREFIX, START_TIMEOUT_S


class BrokerSecurity:
    """Needs the broker's ``data_dir``, ``port`` (``bootstrap_servers``), ``plaintext_port`` and
    ``process``."""

    data_dir: Path
    plaintext_port: int | None
    process: subprocess.Popen | None

    @property
    def bootstrap_servers(self) -> str:
        raise NotImplementedError

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
