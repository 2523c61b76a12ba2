"""Write the Kubernetes manifests for running Tongxin across machines.

    python deploy/k8s/generate.py      # rewrites deploy/k8s/{kafka,keycloak,tongxin}.yaml

- ``kafka.yaml``: a Strimzi ``Kafka`` cluster (KRaft, 3 brokers in a ``KafkaNodePool``,
  replication 3, min ISR 2) and one ``KafkaTopic`` per topic, with partitions sized for
  the consumer parallelism below (a consumer group has at most one member per partition).
- ``tongxin.yaml``: per service a migration ``Job``, an API ``Deployment`` + ``Service``
  + ``HorizontalPodAutoscaler`` + ``PodDisruptionBudget`` + a ``NetworkPolicy`` that admits only
  the edge (ingress controller, console), and a worker ``Deployment`` +
  HPA (capped at the partition count) + PDB. Configuration comes from a ``ConfigMap``
  and a ``Secret`` per service (create the Secrets yourself: DATABASE_URL, JWT_SECRET and the
  service's other secret settings; each service refuses to start with a short or shipped one).
- ``keycloak.yaml``: Keycloak (the identity provider) in production mode on its own
  PostgreSQL database, two replicas sharing their caches (JDBC_PING over that database),
  the realm file in a ``ConfigMap`` imported on the first start, behind the ingress's TLS.
  Create the ``keycloak`` Secret yourself: KC_DB_USERNAME, KC_DB_PASSWORD,
  KC_BOOTSTRAP_ADMIN_USERNAME, KC_BOOTSTRAP_ADMIN_PASSWORD and the TONGXIN_*_CLIENT_SECRET values.

APIs are stateless and scale on CPU. Workers scale up to the partitions of the topics
they consume; more members would sit idle. The relay elects one leader per service
through a PostgreSQL advisory lock, so extra workers never publish twice.
tests/test_deployment.py checks these files are current and consistent.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAMESPACE = "tongxin"
KEYCLOAK_IMAGE = "quay.io/keycloak/keycloak:26.5.6"
#: The issuer as browsers and tokens name it (the ingress), and the keys as services fetch them (in-cluster).
OIDC_ISSUER = "https://id.tongxin.example.cn/realms/tongxin"
OIDC_JWKS_URL = "http://keycloak/realms/tongxin/protocol/openid-connect/certs"
PARTITIONS = 6
TOPICS = {
    "registry.person.v1": PARTITIONS,
    "evaluation.v1": PARTITIONS,
    "servicedesk.v1": PARTITIONS,
    "gateway.inbound.v1": 3,
    "feed.court.v1": 1,  # one agency, one ordered sequence: a single partition
    "feed.public_security.v1": 1,
    "feed.npc.v1": 1,
    "feed.cppcc.v1": 1,
}
SERVICES = [
    # name, admin command, worker command, topics the worker consumes
    ("registry", "registry-admin", "registry-worker", ["evaluation.v1"]),
    (
        "evaluation",
        "evaluation-admin",
        "evaluation-worker",
        ["registry.person.v1", "gateway.inbound.v1"],
    ),
    (
        "servicedesk",
        "servicedesk-admin",
        "servicedesk-worker",
        ["registry.person.v1"],
    ),
    (
        "sharing-gateway",
        "gateway-admin",
        "gateway-worker",
        ["registry.person.v1", "evaluation.v1", "servicedesk.v1"],
    ),
]


def kafka_docs() -> list[dict]:
    cluster = "tongxin"
    docs: list[dict] = [
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "KafkaNodePool",
            "metadata": {"name": "brokers", "namespace": NAMESPACE, "labels": {"strimzi.io/cluster": cluster}},
            "spec": {
                "replicas": 3,
                "roles": ["controller", "broker"],
                "storage": {"type": "persistent-claim", "size": "100Gi", "deleteClaim": False},
            },
        },
        {
            "apiVersion": "kafka.strimzi.io/v1beta2",
            "kind": "Kafka",
            "metadata": {
                "name": cluster,
                "namespace": NAMESPACE,
                "annotations": {"strimzi.io/node-pools": "enabled", "strimzi.io/kraft": "enabled"},
            },
            "spec": {
                "kafka": {
                    "version": "4.1.0",
                    "listeners": [{"name": "tls", "port": 9093, "type": "internal", "tls": True}],
                    "config": {
                        "default.replication.factor": 3,
                        "min.insync.replicas": 2,
                        "offsets.topic.replication.factor": 3,
                        "transaction.state.log.replication.factor": 3,
                        "transaction.state.log.min.isr": 2,
                        "auto.create.topics.enable": False,
                    },
                },
                "entityOperator": {"topicOperator": {}, "userOperator": {}},
            },
        },
    ]
    for topic, partitions in TOPICS.items():
        docs.append(
            {
                "apiVersion": "kafka.strimzi.io/v1beta2",
                "kind": "KafkaTopic",
                "metadata": {
                    "name": topic.replace(".", "-").replace("_", "-"),
                    "namespace": NAMESPACE,
                    "labels": {"strimzi.io/cluster": cluster},
                },
                "spec": {
                    "topicName": topic,
                    "partitions": partitions,
                    "replicas": 3,
                    "config": {"min.insync.replicas": 2, "retention.ms": -1, "cleanup.policy": "delete"},
                },
            }
        )
    for topic in [t for t in TOPICS if not t.startswith("feed.")]:
        docs.append(
            {
                "apiVersion": "kafka.strimzi.io/v1beta2",
                "kind": "KafkaTopic",
                "metadata": {
                    "name": topic.replace(".", "-") + "-dlq",
                    "namespace": NAMESPACE,
                    "labels": {"strimzi.io/cluster": cluster},
                },
                "spec": {
                    "topicName": topic + ".dlq",
                    "partitions": 1,
                    "replicas": 3,
                    "config": {"min.insync.replicas": 2},
                },
            }
        )
    return docs


def _container(service: str, name: str, command: list[str] | None, probes: bool) -> dict:
    """One container of the service's image (its default command is the API under gunicorn)."""
    c: dict = {
        "name": name,
        "image": f"registry.example.cn/tongxin/{service}:1.0.0",
        "envFrom": [{"configMapRef": {"name": service}}, {"secretRef": {"name": service}}],
        "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
        "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "allowPrivilegeEscalation": False},
    }
    if command:
        c["command"] = command
    if probes:
        c["ports"] = [{"name": "http", "containerPort": 8000}]
        c["readinessProbe"] = {"httpGet": {"path": "/readyz", "port": "http"}, "periodSeconds": 10}
        c["livenessProbe"] = {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 20}
    return c


def _meta(name: str, component: str, service: str) -> dict:
    return {
        "name": name,
        "namespace": NAMESPACE,
        "labels": {
            "app.kubernetes.io/name": service,
            "app.kubernetes.io/component": component,
            "app.kubernetes.io/part-of": "tongxin",
        },
    }


def service_docs() -> list[dict]:
    docs: list[dict] = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}}]
    for name, admin, worker, consumes in SERVICES:

        def selector(component: str, name: str = name) -> dict:
            return {"app.kubernetes.io/name": name, "app.kubernetes.io/component": component}

        max_workers = min(TOPICS[t] for t in consumes)
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": _meta(name, "config", name),
                "data": {
                    "KAFKA_BOOTSTRAP_SERVERS": "tongxin-kafka-bootstrap:9093",
                    "SERVICE_NAME": name,
                    "LOG_LEVEL": "INFO",
                    "TRUSTED_PROXY_HOPS": "1",
                    "OIDC_ISSUER": OIDC_ISSUER,
                    "OIDC_AUDIENCE": "tongxin-api",
                    "OIDC_JWKS_URL": OIDC_JWKS_URL,
                    "FORWARDED_ALLOW_IPS": "*",
                    **({"GUNICORN_THREADS": "8"} if name == "sharing-gateway" else {}),
                },
            }
        )
        docs.append(
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": {
                    **_meta(f"{name}-migrate", "migrate", name),
                    "annotations": {"argocd.argoproj.io/hook": "PreSync"},
                },
                "spec": {
                    "backoffLimit": 3,
                    "template": {
                        "metadata": {"labels": selector("migrate")},
                        "spec": {
                            "restartPolicy": "OnFailure",
                            "containers": [_container(name, f"{name}-migrate", [admin, "migrate"], False)],
                        },
                    },
                },
            }
        )
        for component, command, replicas, ceiling in (("api", None, 2, 10), ("worker", [worker], 1, max_workers)):
            full = f"{name}-{component}"
            docs.append(
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "metadata": _meta(full, component, name),
                    "spec": {
                        "replicas": replicas,
                        "selector": {"matchLabels": selector(component)},
                        "template": {
                            "metadata": {"labels": selector(component)},
                            "spec": {
                                "terminationGracePeriodSeconds": 30,
                                "containers": [_container(name, full, command, component == "api")],
                            },
                        },
                    },
                }
            )
            docs.append(
                {
                    "apiVersion": "autoscaling/v2",
                    "kind": "HorizontalPodAutoscaler",
                    "metadata": _meta(full, component, name),
                    "spec": {
                        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": full},
                        "minReplicas": replicas,
                        "maxReplicas": ceiling,
                        "metrics": [
                            {
                                "type": "Resource",
                                "resource": {
                                    "name": "cpu",
                                    "target": {"type": "Utilization", "averageUtilization": 70},
                                },
                            }
                        ],
                    },
                }
            )
            docs.append(
                {
                    "apiVersion": "policy/v1",
                    "kind": "PodDisruptionBudget",
                    "metadata": _meta(full, component, name),
                    "spec": {"minAvailable": 1, "selector": {"matchLabels": selector(component)}},
                }
            )
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": _meta(name, "api", name),
                "spec": {"selector": selector("api"), "ports": [{"name": "http", "port": 80, "targetPort": "http"}]},
            }
        )
        docs.append(_edge_only(name, selector("api")))
    return docs


def _edge_only(service: str, api: dict) -> dict:
    """Only the edge reaches an API: the ingress controller (its namespace labelled
    ``tongxin.cn/edge=true``) and the console. With ``TRUSTED_PROXY_HOPS=1`` the client address is
    then the one the edge saw: no other pod in the cluster can forge ``X-Forwarded-For``."""
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _meta(f"{service}-api-edge-only", "api", service),
        "spec": {
            "podSelector": {"matchLabels": api},
            "policyTypes": ["Ingress"],
            "ingress": [
                {
                    "from": [
                        {"namespaceSelector": {"matchLabels": {"tongxin.cn/edge": "true"}}},
                        {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "console"}}},
                    ],
                    "ports": [{"port": "http"}],
                }
            ],
        },
    }


def keycloak_docs() -> list[dict]:
    realm = (HERE.parent / "keycloak" / "tongxin-realm.json").read_text()
    selector = {"app.kubernetes.io/name": "keycloak", "app.kubernetes.io/component": "server"}
    container = {
        "name": "keycloak",
        "image": KEYCLOAK_IMAGE,
        "args": ["start", "--import-realm"],
        "env": [
            {"name": name, "value": value}
            for name, value in (
                ("KC_DB", "postgres"),
                ("KC_DB_URL", "jdbc:postgresql://postgres:5432/keycloak"),
                ("KC_HOSTNAME", OIDC_ISSUER.removesuffix("/realms/tongxin")),
                ("KC_HOSTNAME_BACKCHANNEL_DYNAMIC", "true"),
                ("KC_PROXY_HEADERS", "xforwarded"),
                ("KC_HTTP_ENABLED", "true"),
                ("KC_HEALTH_ENABLED", "true"),
                ("KC_METRICS_ENABLED", "true"),
                ("TONGXIN_CONSOLE_URL", "https://console.tongxin.example.cn"),
            )
        ],
        "envFrom": [{"secretRef": {"name": "keycloak"}}],
        "ports": [{"name": "http", "containerPort": 8080}, {"name": "management", "containerPort": 9000}],
        "readinessProbe": {"httpGet": {"path": "/health/ready", "port": "management"}, "periodSeconds": 10},
        "livenessProbe": {"httpGet": {"path": "/health/live", "port": "management"}, "periodSeconds": 20},
        "startupProbe": {
            "httpGet": {"path": "/health/started", "port": "management"},
            "periodSeconds": 5,
            "failureThreshold": 60,
        },
        "resources": {"requests": {"cpu": "500m", "memory": "768Mi"}, "limits": {"memory": "1536Mi"}},
        "securityContext": {"runAsNonRoot": True, "allowPrivilegeEscalation": False},
        "volumeMounts": [{"name": "realm", "mountPath": "/opt/keycloak/data/import", "readOnly": True}],
    }
    return [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": _meta("keycloak-realm", "config", "keycloak"),
            "data": {"tongxin-realm.json": realm},
        },
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": _meta("keycloak", "server", "keycloak"),
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": selector},
                "template": {
                    "metadata": {"labels": selector},
                    "spec": {
                        "containers": [container],
                        "volumes": [{"name": "realm", "configMap": {"name": "keycloak-realm"}}],
                    },
                },
            },
        },
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": _meta("keycloak", "server", "keycloak"),
            "spec": {"minAvailable": 1, "selector": {"matchLabels": selector}},
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": _meta("keycloak", "server", "keycloak"),
            "spec": {"selector": selector, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]},
        },
    ]


def render(docs: list[dict]) -> str:
    # JSON is valid YAML: one document per line keeps the files diffable and needs no YAML writer.
    header = "# Generated by deploy/k8s/generate.py; edit that, not this.\n"
    return header + "".join(f"---\n{json.dumps(d, ensure_ascii=False, sort_keys=True)}\n" for d in docs)


def main() -> None:
    (HERE / "kafka.yaml").write_text(render(kafka_docs()))
    (HERE / "tongxin.yaml").write_text(render(service_docs()))
    (HERE / "keycloak.yaml").write_text(render(keycloak_docs()))


if __name__ == "__main__":
    main()
