"""The Kubernetes manifests, checked without a cluster: generated from the current generator
(deploy/k8s/generate.py), and agreeing with the code (principals, ACLs, retention, partitions) and
with docker-compose.yml's worker labels."""

from __future__ import annotations

import yaml

from chassis import principals
from chassis.topics import AGENCIES, GATEWAY_CHECKPOINTS, agency_feed, platform_topics
from tests.support.compose import SERVICES, labels
from tests.support.infra import ROOT


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
