"""The broker's configuration: ``server.properties`` (the SASL_SSL listener, the TLS-only KRaft
controller listener, the authorizer and its super users), its log4j2 file and cluster id.
Standard library only."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path

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

ADMIN = "admin"
#: The principal of the broker certificate (tls.py, first host name), the controller's only peer.
BROKER_PRINCIPAL = "User:CN=localhost"
#: Topics the benchmark's unauthenticated PLAINTEXT listener may create and write, nothing else.
BENCH_ANONYMOUS_PREFIX = "bench-relay-"


def cluster_id() -> str:
    raw = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    return raw if not raw.startswith("-") else "A" + raw[1:]


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
