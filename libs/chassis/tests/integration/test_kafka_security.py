"""Kafka's locks, tried on the real broker: TLS + SCRAM-SHA-512 and the ACLs of ``chassis.principals``.

Each refusal is observed where a client meets it (a send or a poll), never at construction,
and each is paired with the same principal succeeding where it is allowed, so a broker that
refused everything could not pass.
"""

from __future__ import annotations

import os
import stat
import subprocess
import uuid

import pytest
from kafka import TopicPartition
from kafka.admin import ACL, ACLOperation, ACLPermissionType, ACLResourcePatternType, ResourcePattern, ResourceType
from kafka.errors import (
    GroupAuthorizationFailedError,
    KafkaError,
    KafkaTimeoutError,
    TopicAuthorizationFailedError,
)

from chassis.kafka import KafkaAccess, ensure_topics, make_admin, make_consumer
from chassis.kafka_provision import provision
from chassis.principals import SERVICES, agency
from chassis.topics import (
    AGENCIES,
    GATEWAY_CHECKPOINTS,
    GATEWAY_INBOUND,
    GATEWAY_MEMBERSHIP,
    GATEWAY_STABILITY,
    REGISTRY_PERSON,
    SERVICE_TOPICS,
    agency_feed,
    dead_letter,
)
from libs.chassis.tests.integration.kafka_probes import (
    KNOWN_VERSION,
    WRITE_REFUSED,
    granted,
    read,
    read_refused,
    send,
)
from tests.support.infra import wait_for
from tests.support.kafka_source import KafkaSource

pytestmark = pytest.mark.kafka

#: Consumers ignore types they do not know, so these probes disturb no other test's view.


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    """A broker of this module's own: its probes must not land on the session broker's platform
    topics, where other tests read every record (an agency feed holds only signed entries). It
    also opens the benchmark's PLAINTEXT listener, to show what that listener's clients can do."""
    source = KafkaSource().start_local(tmp_path_factory.mktemp("security-kafka"), plaintext_listener=True)
    yield source
    source.stop()


#: A principal with no write grant at all is refused before the topic is even looked at: it
#: may not open an idempotent producer session (ClusterAuthorizationFailed).

#: A known broker version: the client then connects at its first send or poll, not when built,
#: so a refusal is seen where an application would meet it.


@pytest.fixture(scope="module")
def seeded(broker):
    """Every platform topic holds at least one record (written by the admin)."""
    for topic in [*SERVICE_TOPICS, *(dead_letter(t) for t in SERVICE_TOPICS), *(agency_feed(a) for a in AGENCIES)]:
        send(broker.access, topic)
    return broker


def test_a_client_without_credentials_or_with_a_wrong_password_gets_nothing(broker):
    with pytest.raises(KafkaTimeoutError):  # no TLS: the listener never answers, metadata never comes
        send(KafkaAccess(broker.bootstrap, security_protocol="PLAINTEXT"), GATEWAY_INBOUND)
    with pytest.raises(KafkaError):
        send(broker.access_for("sharing-gateway", password="not-the-password-" + "x" * 20), GATEWAY_INBOUND)
    with pytest.raises(KafkaError):  # the right password, but a broker we cannot verify is not trusted
        send(KafkaAccess(broker.bootstrap, sasl_username="sharing-gateway",
                         sasl_password=broker.credentials["sharing-gateway"]), GATEWAY_INBOUND)  # fmt: skip
    nobody = make_consumer(KafkaAccess(broker.bootstrap, security_protocol="PLAINTEXT"), None, GATEWAY_INBOUND,
                           request_timeout_ms=3_000, **KNOWN_VERSION)  # fmt: skip
    try:
        assert not nobody.poll(timeout_ms=3_000)
    finally:
        nobody.close()
    send(broker.access_for("sharing-gateway"), GATEWAY_INBOUND)  # the real gateway, for contrast


def acl_command(broker, tmp_path, *client_config: str) -> subprocess.CompletedProcess:
    """Kafka's own AclCommand granting agency-court the registry topic, straight at the
    controller listener (the attack of the issue-17 review), with no credentials."""
    from local_kafka import LIB  # deploy/kafka, on the path through tests.support.infra

    config = tmp_path / f"client-{uuid.uuid4().hex[:6]}.properties"
    config.write_text("\n".join(["default.api.timeout.ms=8000", "request.timeout.ms=4000", *client_config]))
    return subprocess.run(
        ["java", "-cp", f"{LIB}/*", "org.apache.kafka.tools.AclCommand",
         "--bootstrap-controller", f"127.0.0.1:{broker.broker.controller_port}", "--command-config", str(config),
         "--add", "--allow-principal", "User:agency-court", "--operation", "Read", "--topic", REGISTRY_PERSON],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_nobody_without_the_broker_certificate_can_change_acls_on_the_controller(seeded, tmp_path):
    broker = seeded
    plain = acl_command(broker, tmp_path)
    tls_without_certificate = acl_command(
        broker, tmp_path, "security.protocol=SSL", "ssl.truststore.type=PEM",
        f"ssl.truststore.location={broker.broker.ca_file}",
    )  # fmt: skip
    assert plain.returncode != 0 and tls_without_certificate.returncode != 0
    assert "SslAuthenticationException" in tls_without_certificate.stdout + tls_without_certificate.stderr
    assert read_refused(broker.access_for("agency-court"), REGISTRY_PERSON)  # no grant slipped in
    assert read(broker.access_for("evaluation"), REGISTRY_PERSON) > 0  # a granted reader, for contrast


def test_the_benchmarks_plaintext_listener_is_no_super_user(broker):
    anonymous = KafkaAccess(f"127.0.0.1:{broker.broker.plaintext_port}", security_protocol="PLAINTEXT")
    send(anonymous, f"bench-relay-{uuid.uuid4().hex[:6]}")  # what the benchmark needs, and only that
    for topic in (REGISTRY_PERSON, GATEWAY_INBOUND, f"test.security.{uuid.uuid4().hex[:8]}"):
        with pytest.raises(WRITE_REFUSED):
            send(anonymous, topic)
    assert read_refused(anonymous, REGISTRY_PERSON)


@pytest.mark.parametrize(
    "env",
    [
        {"KAFKA_SECURITY_PROTOCOL": "PLAINTEXT"},  # an unsecured broker (e.g. a testcontainer)
        {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_USERNAME": "admin"},  # no password
    ],
)
def test_the_suite_refuses_a_given_broker_without_tls_and_credentials(env, monkeypatch, tmp_path):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")
    monkeypatch.delenv("KAFKA_SASL_PASSWORD", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match="needs KAFKA_SECURITY_PROTOCOL=SASL_SSL"):
        KafkaSource().start(tmp_path)


def test_the_brokers_folder_is_its_users_alone(broker):
    folder = broker.broker.data_dir
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(broker.broker.credentials_file).st_mode) == 0o600


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_service_writes_only_its_own_topics_and_reads_only_what_it_consumes(seeded, service):
    broker = seeded
    me = SERVICES[service]
    access = broker.access_for(service)
    for topic in SERVICE_TOPICS:
        if topic in me.produces:
            send(access, topic)
        else:
            with pytest.raises(TopicAuthorizationFailedError):
                send(access, topic)
        group = f"{service}.security-{uuid.uuid4().hex[:6]}"
        if topic in me.consumes:
            assert read(access, topic, group, budget_s=20) >= 1, topic
        else:
            assert read_refused(access, topic, group), f"{service} read {topic}"
    for topic in me.consumes:  # poison records may go to the dead-letter topic of what it consumes
        send(access, dead_letter(topic))
    assert read_refused(access, dead_letter(me.consumes[0]))  # ...but it reads no dead letters


def test_a_service_cannot_join_another_services_consumer_group(seeded):
    broker = seeded
    registry = broker.access_for("registry")
    with pytest.raises(GroupAuthorizationFailedError):
        read(registry, "evaluation.v1", "evaluation.people")
    assert read(registry, "evaluation.v1", "registry.evaluation-outcomes-probe", budget_s=20) >= 1


def test_the_registry_reads_the_membership_notices_but_no_violation_notice_and_no_feed(seeded):
    """It applies the NPC's and the CPPCC's membership notices; the courts' and police's violation
    notices (ID digests, offences) and what each agency is told are not its business."""
    broker = seeded
    send(broker.access_for("sharing-gateway"), GATEWAY_MEMBERSHIP)
    access = broker.access_for("registry")
    assert read(access, GATEWAY_MEMBERSHIP, "registry.probe-membership", budget_s=20) >= 1
    for topic in [GATEWAY_INBOUND, GATEWAY_STABILITY, *(agency_feed(a) for a in AGENCIES)]:
        assert read_refused(access, topic, "registry.probe", budget_s=1.5), f"registry read {topic}"


def test_the_service_desk_reads_public_securitys_answers_but_no_violation_notice(seeded):
    """It applies the police's answers to its stability reports, and nothing else agencies send."""
    broker = seeded
    send(broker.access_for("sharing-gateway"), GATEWAY_STABILITY)
    access = broker.access_for("servicedesk")
    assert read(access, GATEWAY_STABILITY, "servicedesk.probe-stability", budget_s=20) >= 1
    for topic in [GATEWAY_INBOUND, GATEWAY_MEMBERSHIP, *(agency_feed(a) for a in AGENCIES)]:
        assert read_refused(access, topic, "servicedesk.probe", budget_s=1.5), f"servicedesk read {topic}"


@pytest.mark.parametrize("name", AGENCIES)
def test_an_agency_reads_its_own_feed_and_nothing_else(seeded, name):
    broker = seeded
    send(broker.access_for("sharing-gateway"), agency_feed(name))
    me = agency(name)
    access = broker.access_for(me.name)
    assert read(access, agency_feed(name), f"{me.name}.reader", budget_s=20) >= 2
    others = [agency_feed(a) for a in AGENCIES if a != name] + [REGISTRY_PERSON, GATEWAY_INBOUND]
    for topic in others:
        assert read_refused(access, topic, budget_s=1.5), f"{me.name} read {topic}"
    with pytest.raises(GroupAuthorizationFailedError):  # nor borrow a service's group
        read(access, agency_feed(name), "sharing-gateway.people")
    with pytest.raises(WRITE_REFUSED):  # it cannot write into its own feed either
        send(access, agency_feed(name))


def test_the_supervision_reads_the_agencies_notices_but_no_feed_and_no_checkpoint(seeded):
    """It watches the work (a notice received and handled), not what each agency was told."""
    broker = seeded
    send(broker.access, GATEWAY_CHECKPOINTS)
    access = broker.access_for("supervision")
    assert read(access, GATEWAY_INBOUND, "supervision.probe-inbound", budget_s=20) >= 1
    for topic in [*(agency_feed(a) for a in AGENCIES), GATEWAY_CHECKPOINTS]:
        assert read_refused(access, topic, "supervision.probe", budget_s=1.5), f"supervision read {topic}"
    with pytest.raises(GroupAuthorizationFailedError):  # nor borrow another service's group
        read(access, REGISTRY_PERSON, "servicedesk.people")


@pytest.mark.parametrize("topic", [GATEWAY_INBOUND, GATEWAY_MEMBERSHIP, GATEWAY_STABILITY])
def test_only_the_gateway_can_put_a_notice_on_the_notice_topics(broker, topic):
    """A forged violation notice would apply the one-vote veto, a forged membership notice seat or
    unseat a representative, a forged answer close a stability report."""
    forgers = [p for p in SERVICES if p != "sharing-gateway"] + [agency(a).name for a in AGENCIES]
    for forger in forgers:
        with pytest.raises(WRITE_REFUSED):
            send(broker.access_for(forger), topic)
    send(broker.access_for("sharing-gateway"), topic)


def test_the_admin_used_by_tests_is_a_super_user(broker):
    topic = f"test.security.{uuid.uuid4().hex[:8]}"
    ensure_topics(broker.access, [topic], partitions=1)
    send(broker.access, topic)
    consumer = make_consumer(broker.access, None)
    try:
        consumer.assign([TopicPartition(topic, 0)])
        assert consumer.end_offsets([TopicPartition(topic, 0)])[TopicPartition(topic, 0)] == 1
    finally:
        consumer.close()


def test_provisioning_removes_a_grant_nobody_declared(broker):
    """An ACL left behind (a removed consumer, or one an intruder added) goes at the next start."""
    registry = broker.access_for("registry")
    inbound = ResourcePattern(ResourceType.TOPIC, GATEWAY_INBOUND, ACLResourcePatternType.LITERAL)
    smuggled = ACL("User:registry", "*", ACLOperation.WRITE, ACLPermissionType.ALLOW, inbound)
    admin = make_admin(broker.access)
    try:
        assert not admin.create_acls([smuggled])["failed"]
    finally:
        admin.close()
    wait_for(lambda: granted(registry, GATEWAY_INBOUND), 30, 0.5, "the smuggled grant to work")
    benchmark = broker.broker.benchmark_acls()  # this broker's PLAINTEXT listener's, declared at its start
    assert provision(broker.access, extra_acls=benchmark) == 1
    # ...until provisioning puts the declaration back
    wait_for(lambda: not granted(registry, GATEWAY_INBOUND), 30, 0.5, "the smuggled grant to be gone")
    assert provision(broker.access, extra_acls=benchmark) == 0
