"""docker-compose.yml, checked without a Docker engine: it agrees with the code (who produces and
consumes what, each principal's declarations) and runs every part secured. The Kubernetes
manifests' checks are in test_kubernetes.py."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from chassis import principals
from chassis.consumer import ConsumerRunner
from chassis.contracts import all_contracts
from chassis.topics import AGENCIES, agency_feed
from tests.support.compose import COMPOSE, SERVICES, labels
from tests.support.infra import ROOT


def worker_topics(service: str, tmp: Path) -> set[str]:
    """The topics a service's worker really consumes, from its own build()."""
    url = f"sqlite:///{tmp / service}.db"
    if service == "registry":
        from registry.bootstrap import bootstrap
        from registry.config import RegistrySettings
        from registry.entrypoints.worker import build

        parts = build(bootstrap(RegistrySettings(database_url=url)))
    elif service == "evaluation":
        from evaluation.bootstrap import bootstrap
        from evaluation.config import EvaluationSettings
        from evaluation.entrypoints.worker import build

        parts = build(bootstrap(EvaluationSettings(database_url=url)))
    elif service == "servicedesk":
        from servicedesk.bootstrap import bootstrap
        from servicedesk.config import ServiceDeskSettings
        from servicedesk.entrypoints.worker import build

        parts = build(bootstrap(ServiceDeskSettings(database_url=url)))
    elif service == "supervision":
        from supervision.bootstrap import bootstrap
        from supervision.config import SupervisionSettings
        from supervision.entrypoints.worker import build

        parts = build(bootstrap(SupervisionSettings(database_url=url)))
    else:
        from sharing_gateway.bootstrap import bootstrap
        from sharing_gateway.config import GatewaySettings
        from sharing_gateway.domain.signing import write_new
        from sharing_gateway.entrypoints.worker import build

        write_new(tmp / "k.pem")

        parts = build(
            bootstrap(
                GatewaySettings(
                    database_url=url,
                    policy_dir=str(ROOT / "deploy" / "policies"),
                    signing_key_file=str(tmp / "k.pem"),
                )
            )
        )
    return {t for p in parts if isinstance(p, ConsumerRunner) for t in p.topics}


def test_compose_runs_kafka_in_kraft_and_postgres_with_healthchecks():
    s = COMPOSE["services"]
    assert s["kafka"]["image"].startswith("apache/kafka:") and "process.roles=broker,controller" in " ".join(
        s["kafka"]["command"]
    )
    assert s["kafka"]["healthcheck"] and s["postgres"]["healthcheck"]


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_its_own_database_migration_job_api_and_worker(service):
    s = COMPOSE["services"]
    created = set(re.findall(r"CREATE DATABASE (\w+)", (ROOT / "deploy/compose/postgres-init.sql").read_text()))
    urls = {s[f"{service}-{part}"]["environment"]["DATABASE_URL"] for part in ("migrate", "api", "worker")}
    assert len(urls) == 1
    database = urls.pop().rsplit("/", 1)[1]
    assert database in created
    others = {s[f"{o}-api"]["environment"]["DATABASE_URL"].rsplit("/", 1)[1] for o in SERVICES if o != service}
    assert database not in others  # services never share a database
    assert (ROOT / s[f"{service}-migrate"]["build"]["dockerfile"]).exists()
    assert s[f"{service}-migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for part in ("api", "worker"):
        deps = s[f"{service}-{part}"]["depends_on"]
        assert deps[f"{service}-migrate"]["condition"] == "service_completed_successfully"
        assert deps["kafka"]["condition"] == "service_healthy"
        assert s[f"{service}-{part}"]["image"] == s[f"{service}-migrate"]["image"]
    assert "readyz" in " ".join(s[f"{service}-api"]["healthcheck"]["test"])


def test_every_consumed_topic_has_a_producer_and_the_labels_match_the_code(tmp_path):
    produced = set().union(*(labels(s)[0] for s in SERVICES))
    for service in SERVICES:
        consumes = labels(service)[1]
        assert consumes <= produced, f"{service} consumes {consumes - produced}, which nobody produces"
        assert consumes == worker_topics(service, tmp_path), service


# --- Kafka principals, ACLs and retention: one declaration (chassis.principals, chassis.topics) ---


def test_every_worker_consumes_exactly_what_its_principal_declares(tmp_path):
    for service in SERVICES:
        assert worker_topics(service, tmp_path) == set(principals.SERVICES[service].consumes), service


def test_the_compose_labels_are_the_principals_declarations():
    for service in SERVICES:
        me = principals.SERVICES[service]
        feeds = {
            agency_feed(a) for a in AGENCIES if me.produces_prefix and agency_feed(a).startswith(me.produces_prefix)
        }
        assert labels(service) == (set(me.produces) | feeds, set(me.consumes)), service


def test_each_event_type_is_produced_by_the_service_it_is_named_after():
    owner = {
        "registry": "registry",
        "evaluation": "evaluation",
        "servicedesk": "servicedesk",
        "gateway": "sharing-gateway",
        "supervision": "supervision",
    }
    for contract in all_contracts():
        service = owner[contract.type.split(".")[2]]
        assert contract.topic in principals.SERVICES[service].produces, contract.type


def test_the_agencies_are_those_with_a_sharing_policy():
    policies = {tomllib.loads(p.read_text())["agency"] for p in (ROOT / "deploy" / "policies").glob("*.toml")}
    assert set(AGENCIES) == policies


def test_compose_runs_kafka_with_tls_scram_and_acls_and_requires_every_password():
    s = COMPOSE["services"]
    script = " ".join(s["kafka"]["command"])
    for setting in (
        "listeners=SASL_SSL://:9092,CONTROLLER://localhost:9093",
        "listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL",
        "listener.name.controller.ssl.client.auth=required",  # the broker's own certificate only
        "super.users=User:admin;User:CN=kafka",  # no ANONYMOUS: nobody unauthenticated is a super user
        "sasl.enabled.mechanisms=SCRAM-SHA-512",
        "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found=false",
        "auto.create.topics.enable=false",
        "ssl.keystore.type=PEM",
    ):
        assert setting in script, setting
    scram_users = set(re.findall(r"SCRAM-SHA-512=\[name=([\w-]+),", script))
    assert scram_users == {principals.ADMIN, *principals.SERVICES}
    assert all(":?" in v for k, v in s["kafka"]["environment"].items() if k.endswith("_PASSWORD"))
    assert s["kafka-init"]["command"] == ["python", "-m", "chassis.kafka_provision"]
    for service in SERVICES:
        for part in ("migrate", "api", "worker"):
            env = s[f"{service}-{part}"]["environment"]
            assert env["KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL" and env["KAFKA_SASL_USERNAME"] == service
            if part == "api" or (part == "migrate" and service != "sharing-gateway"):
                # An API never uses Kafka; only the gateway's operator commands do.
                assert "KAFKA_SASL_PASSWORD" not in env, (service, part)
                continue
            assert re.fullmatch(r"\$\{KAFKA_[A-Z]+_PASSWORD:\?[^}]+\}", env["KAFKA_SASL_PASSWORD"]), (service, part)
            if part != "migrate":  # topics and ACLs exist before anything publishes
                assert (
                    s[f"{service}-{part}"]["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"
                )
    apis = {name: svc["environment"] for name, svc in s.items() if name.endswith("-api")}
    assert apis and not [name for name, env in apis.items() if "KAFKA_SASL_PASSWORD" in env]
    passwords = {s[f"{svc}-worker"]["environment"]["KAFKA_SASL_PASSWORD"] for svc in SERVICES}
    assert len(passwords) == len(SERVICES)  # one principal, one password each


def test_host_ports_do_not_clash():
    ports = [p.split(":")[0] for svc in COMPOSE["services"].values() for p in svc.get("ports", [])]
    assert len(ports) == len(SERVICES) + 2 and not [
        p for p, n in Counter(ports).items() if n > 1
    ]  # + console, Keycloak


def test_compose_runs_keycloak_on_its_own_postgres_database_with_the_realm_file():
    keycloak = COMPOSE["services"]["keycloak"]
    env = keycloak["environment"]
    assert keycloak["image"].endswith(":26.5.6") and keycloak["command"][0] == "start"  # production mode
    assert env["KC_DB"] == "postgres" and env["KC_DB_URL"].endswith("/keycloak")
    assert "CREATE DATABASE keycloak" in (ROOT / "deploy/compose/postgres-init.sql").read_text()
    source, target = keycloak["volumes"][0].split(":")[:2]
    assert (ROOT / source).resolve() == ROOT / "deploy/keycloak/tongxin-realm.json"
    assert target.startswith("/opt/keycloak/data/import/")
    assert keycloak["healthcheck"] and keycloak["depends_on"]["postgres"]["condition"] == "service_healthy"
    common = COMPOSE["x-common-env"]
    assert common["OIDC_JWKS_URL"].startswith("http://keycloak:8080/realms/tongxin/")


def test_every_dependency_names_a_service():
    names = set(COMPOSE["services"])
    for svc in COMPOSE["services"].values():
        assert set(svc.get("depends_on", {})) <= names
