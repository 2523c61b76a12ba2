"""The deployment files, checked without a Docker engine or a cluster: docker-compose.yml and the
Kubernetes manifests agree with each other and with the code (who produces and consumes what)."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest
import yaml

from chassis import principals
from chassis.consumer import ConsumerRunner
from chassis.contracts import all_contracts
from chassis.topics import AGENCIES, GATEWAY_CHECKPOINTS, agency_feed, platform_topics
from tests.support.infra import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = ("registry", "evaluation", "servicedesk", "sharing-gateway")


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


def labels(service: str) -> tuple[set[str], set[str]]:
    worker = COMPOSE["services"][f"{service}-worker"]["labels"]
    split = lambda v: set(filter(None, v.split(",")))  # noqa: E731
    return split(worker["cn.tongxin.produces"]), split(worker["cn.tongxin.consumes"])


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


# --- Kubernetes -----------------------------------------------------------------------------


def k8s(name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all((ROOT / "deploy" / "k8s" / name).read_text()) if d]


def test_the_manifests_are_generated_from_the_current_generator():
    import importlib.util

    spec = importlib.util.spec_from_file_location("k8s_generate", ROOT / "deploy" / "k8s" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    assert (ROOT / "deploy/k8s/kafka.yaml").read_text() == generate.render(generate.kafka_docs())
    assert (ROOT / "deploy/k8s/tongxin.yaml").read_text() == generate.render(generate.service_docs())
    assert (ROOT / "deploy/k8s/keycloak.yaml").read_text() == generate.render(generate.keycloak_docs())


def test_keycloak_runs_two_replicas_on_postgres_with_probes_and_the_current_realm():
    docs = {(d["kind"], d["metadata"]["name"]): d for d in k8s("keycloak.yaml")}
    deployment = docs[("Deployment", "keycloak")]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert deployment["spec"]["replicas"] == 2 and ("PodDisruptionBudget", "keycloak") in docs
    assert env["KC_DB"] == "postgres" and container["args"][0] == "start"
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    realm = docs[("ConfigMap", "keycloak-realm")]["data"]["tongxin-realm.json"]
    assert realm == (ROOT / "deploy/keycloak/tongxin-realm.json").read_text()


def test_kafka_is_three_brokers_replicated_three_ways_with_min_isr_two():
    docs = k8s("kafka.yaml")
    (pool,) = [d for d in docs if d["kind"] == "KafkaNodePool"]
    (cluster,) = [d for d in docs if d["kind"] == "Kafka"]
    assert pool["spec"]["replicas"] == 3 and cluster["spec"]["kafka"]["config"]["min.insync.replicas"] == 2
    topics = {d["spec"]["topicName"]: d["spec"] for d in docs if d["kind"] == "KafkaTopic"}
    assert all(t["replicas"] == 3 and t["config"]["min.insync.replicas"] == 2 for t in topics.values())
    produced = set().union(*(labels(s)[0] for s in SERVICES))
    assert produced <= set(topics) and all(
        topics[f"feed.{a}.v1"]["partitions"] == 1 for a in ("court", "cppcc", "npc", "public_security")
    )


def test_the_kafka_listener_authenticates_and_the_authorizer_denies_by_default():
    (cluster,) = [d for d in k8s("kafka.yaml") if d["kind"] == "Kafka"]
    kafka = cluster["spec"]["kafka"]
    assert kafka["listeners"] and all(
        listener["tls"] and listener["authentication"]["type"] == "scram-sha-512" for listener in kafka["listeners"]
    )
    assert kafka["authorization"]["type"] == "simple" and kafka["config"]["allow.everyone.if.no.acl.found"] is False


def test_each_kafka_user_has_exactly_the_acls_the_code_declares():
    users = {d["metadata"]["name"]: d["spec"] for d in k8s("kafka.yaml") if d["kind"] == "KafkaUser"}
    declared = {p.name: p for p in principals.all_principals()}
    assert set(users) == set(declared) | {principals.ADMIN}
    for name, principal in declared.items():
        assert users[name]["authentication"]["type"] == "scram-sha-512"
        acls = users[name]["authorization"]["acls"]
        got = {(a["resource"]["type"], a["resource"]["name"], a["resource"]["patternType"], op)
               for a in acls for op in a["operations"]}  # fmt: skip
        assert got == {(g.resource, g.name, g.pattern, op) for g in principal.grants() for op in g.operations}, name
    for agency in AGENCIES:  # an agency reads its own feed and the ledger's checkpoints, nothing else
        acls = users[principals.agency(agency).name]["authorization"]["acls"]
        topics = {a["resource"]["name"] for a in acls if a["resource"]["type"] == "topic"}
        assert topics == {agency_feed(agency), GATEWAY_CHECKPOINTS}
        assert {op for a in acls for op in a["operations"]} == {"Read", "Describe"}


def test_each_topic_keeps_the_retention_the_code_declares():
    topics = {d["spec"]["topicName"]: d["spec"]["config"] for d in k8s("kafka.yaml") if d["kind"] == "KafkaTopic"}
    assert set(topics) == set(platform_topics())
    for topic, wanted in platform_topics().items():
        assert {k: topics[topic][k] for k in wanted} == wanted, topic
    assert topics["registry.person.v1"]["cleanup.policy"] == "compact"
    # Every person's every version stays as long as an event does: a gateway back from a 30-day
    # outage still shares each change (each a distinct event type), not only the newest snapshot.
    events = int(topics["evaluation.v1"]["retention.ms"])
    assert int(topics["registry.person.v1"]["min.compaction.lag.ms"]) == events == 30 * 24 * 3600 * 1000


def test_every_service_pod_reaches_kafka_as_its_own_principal():
    docs = k8s("tongxin.yaml")
    configs = {d["metadata"]["name"]: d["data"] for d in docs if d["kind"] == "ConfigMap"}
    for service in SERVICES:
        assert configs[service]["KAFKA_SASL_USERNAME"] == service
        assert configs[service]["KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    pods = [d["spec"]["template"]["spec"] for d in docs if d["kind"] in ("Deployment", "Job")]
    for pod in pods:
        (container,) = pod["containers"]
        service = container["envFrom"][0]["configMapRef"]["name"]
        assert pod["volumes"][0]["secret"]["secretName"] == "tongxin-cluster-ca-cert"
        passwords = [e for e in container.get("env", []) if e["name"] == "KAFKA_SASL_PASSWORD"]
        if container["name"].endswith("-api") or container["name"] in {f"{s}-migrate" for s in SERVICES} - {
            "sharing-gateway-migrate"
        }:
            assert not passwords, container["name"]  # an API never uses Kafka: it holds no password
            continue
        (password,) = passwords
        assert password["valueFrom"]["secretKeyRef"] == {"name": f"kafka-user-{service}", "key": "password"}
        assert pod["volumes"][0]["secret"]["secretName"] == "tongxin-cluster-ca-cert"


def test_every_deployment_has_probes_an_autoscaler_and_a_disruption_budget():
    docs = k8s("tongxin.yaml")
    topics = {d["spec"]["topicName"]: d["spec"]["partitions"] for d in k8s("kafka.yaml") if d["kind"] == "KafkaTopic"}
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    hpas = {d["spec"]["scaleTargetRef"]["name"]: d for d in docs if d["kind"] == "HorizontalPodAutoscaler"}
    pdbs = {d["metadata"]["name"] for d in docs if d["kind"] == "PodDisruptionBudget"}
    jobs = {d["metadata"]["name"] for d in docs if d["kind"] == "Job"}
    assert set(deployments) == {f"{s}-{p}" for s in SERVICES for p in ("api", "worker")}
    assert set(hpas) == set(deployments) == pdbs
    for service in SERVICES:
        api = deployments[f"{service}-api"]["spec"]["template"]["spec"]["containers"][0]
        assert (
            api["readinessProbe"]["httpGet"]["path"] == "/readyz"
            and api["livenessProbe"]["httpGet"]["path"] == "/healthz"
        )
        ceiling = min(topics[t] for t in labels(service)[1])
        assert hpas[f"{service}-worker"]["spec"]["maxReplicas"] <= ceiling  # no idle consumers
        assert f"{service}-migrate" in jobs
        for d in (deployments[f"{service}-api"], deployments[f"{service}-worker"]):
            assert d["spec"]["template"]["spec"]["containers"][0]["securityContext"]["runAsNonRoot"] is True


def test_only_the_edge_reaches_an_api_so_forwarded_addresses_cannot_be_forged_in_the_cluster():
    docs = k8s("tongxin.yaml")
    policies = {d["metadata"]["labels"]["app.kubernetes.io/name"]: d for d in docs if d["kind"] == "NetworkPolicy"}
    for service in SERVICES:
        config = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == service)
        assert config["data"]["TRUSTED_PROXY_HOPS"] == "1"
        policy = policies[service]["spec"]
        assert policy["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "api"
        assert policy["policyTypes"] == ["Ingress"] and len(policy["ingress"]) == 1
