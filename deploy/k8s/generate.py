"""Write the Kubernetes manifests for running Tongxin across machines.

    python deploy/k8s/generate.py      # rewrites deploy/k8s/kafka.yaml and deploy/k8s/tongxin.yaml

- ``kafka.yaml``: a Strimzi ``Kafka`` cluster (KRaft, 3 brokers in a ``KafkaNodePool``,
  replication 3, min ISR 2) whose only listener is TLS with SCRAM-SHA-512 and whose
  authorizer denies what no ACL allows; one ``KafkaTopic`` per topic of
  ``chassis.topics.platform_topics`` with its retention, and partitions sized for the
  consumer parallelism below (a consumer group has at most one member per partition); one
  ``KafkaUser`` per service and per agency with the ACLs of ``chassis.principals`` (the
  same declaration the local broker's ACLs and the workers come from), and ``admin``.
- ``tongxin.yaml``: per service a migration ``Job``, an API ``Deployment`` + ``Service``
  + ``HorizontalPodAutoscaler`` + ``PodDisruptionBudget``, and a worker ``Deployment`` +
  HPA (capped at the partition count) + PDB. Configuration comes from a ``ConfigMap``
  and a ``Secret`` per service (create the Secrets yourself: DATABASE_URL, JWT_SECRET...);
  the Kafka password comes from the Secret Strimzi makes for the service's ``KafkaUser``
  (``kafka-user-<service>``),
  the cluster CA from ``tongxin-cluster-ca-cert``.

APIs are stateless and scale on CPU. Workers scale up to the partitions of the topics
they consume; more members would sit idle. The relay elects one leader per service
through a PostgreSQL advisory lock, so extra workers never publish twice.
tests/test_deployment.py checks these files are current and consistent.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "libs" / "chassis" / "src"))  # runs without the virtualenv too

from chassis import principals  # noqa: E402
from chassis.principals import ADMIN, Principal, all_principals  # noqa: E402
from chassis.topics import DLQ_SUFFIX, FEED_PREFIX, GATEWAY_INBOUND, platform_topics  # noqa: E402

NAMESPACE = "tongxin"
CLUSTER = "tongxin"
CLUSTER_CA_SECRET = f"{CLUSTER}-cluster-ca-cert"  # made by Strimzi: the CA clients trust
CA_DIR = "/etc/tongxin/kafka-ca"
#: Strimzi keeps each KafkaUser's password in a Secret named with this prefix, apart from the
#: service's own Secret (DATABASE_URL...), which carries the bare service name.
USER_SECRET_PREFIX = "kafka-user-"
PARTITIONS = 6


def partitions(topic: str) -> int:
    if topic.startswith(FEED_PREFIX):
        return 1  # one agency, one ordered sequence: a single partition
    if topic.endswith(DLQ_SUFFIX):
        return 1
    return 3 if topic == GATEWAY_INBOUND else PARTITIONS


TOPICS = {topic: partitions(topic) for topic in platform_topics()}
SERVICES = [
    # name, admin command, worker command, topics the worker consumes (chassis.principals)
    (name, admin, worker, list(principals.SERVICES[name].consumes))
    for name, admin, worker in (
        ("registry", "registry-admin", "registry-worker"),
        ("evaluation", "evaluation-admin", "evaluation-worker"),
        ("servicedesk", "servicedesk-admin", "servicedesk-worker"),
        ("sharing-gateway", "gateway-admin", "gateway-worker"),
    )
]


def kafka_user(principal: Principal | None, name: str = "") -> dict:
    """A SCRAM user; Strimzi keeps its password in the Secret ``kafka-user-<name>``."""
    spec: dict = {"authentication": {"type": "scram-sha-512"}}
    if principal is not None:
        spec["authorization"] = {
            "type": "simple",
            "acls": [
                {
                    "resource": {"type": g.resource, "name": g.name, "patternType": g.pattern},
                    "operations": list(g.operations),
                    "host": "*",
                }
                for g in principal.grants()
            ],
        }
    return {
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "KafkaUser",
        "metadata": {
            "name": principal.name if principal else name,
            "namespace": NAMESPACE,
            "labels": {"strimzi.io/cluster": CLUSTER},
        },
        "spec": spec,
    }


def kafka_docs() -> list[dict]:
    cluster = CLUSTER
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
                    "listeners": [
                        {
                            "name": "tls",
                            "port": 9093,
                            "type": "internal",
                            "tls": True,
                            "authentication": {"type": "scram-sha-512"},
                        }
                    ],
                    # Strimzi's simple authorization is Kafka's StandardAuthorizer under KRaft.
                    "authorization": {"type": "simple", "superUsers": [ADMIN]},
                    "config": {
                        "default.replication.factor": 3,
                        "min.insync.replicas": 2,
                        "offsets.topic.replication.factor": 3,
                        "transaction.state.log.replication.factor": 3,
                        "transaction.state.log.min.isr": 2,
                        "auto.create.topics.enable": False,
                        "allow.everyone.if.no.acl.found": False,
                    },
                },
                "entityOperator": {"topicOperator": {}, "userOperator": {"secretPrefix": USER_SECRET_PREFIX}},
            },
        },
    ]
    for topic, configs in platform_topics().items():
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
                    "partitions": TOPICS[topic],
                    "replicas": 3,
                    "config": {"min.insync.replicas": 2, **configs},
                },
            }
        )
    docs.append(kafka_user(None, ADMIN))  # tooling only (a super user); no service runs as it
    docs += [kafka_user(p) for p in all_principals()]
    return docs


KAFKA_CA_VOLUME = {
    "name": "kafka-ca",
    "secret": {"secretName": CLUSTER_CA_SECRET, "items": [{"key": "ca.crt", "path": "ca.crt"}]},
}


def _container(service: str, name: str, command: list[str] | None, probes: bool) -> dict:
    """One container of the service's image (its default command is the API under gunicorn)."""
    c: dict = {
        "name": name,
        "image": f"registry.example.cn/tongxin/{service}:1.0.0",
        "envFrom": [{"configMapRef": {"name": service}}, {"secretRef": {"name": service}}],
        "env": [
            {  # the service's own Kafka principal, its password kept by Strimzi's User Operator
                "name": "KAFKA_SASL_PASSWORD",
                "valueFrom": {"secretKeyRef": {"name": USER_SECRET_PREFIX + service, "key": "password"}},
            }
        ],
        "volumeMounts": [{"name": "kafka-ca", "mountPath": CA_DIR, "readOnly": True}],
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
                    "KAFKA_BOOTSTRAP_SERVERS": f"{CLUSTER}-kafka-bootstrap:9093",
                    "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
                    "KAFKA_SASL_USERNAME": name,
                    "KAFKA_SSL_CAFILE": f"{CA_DIR}/ca.crt",
                    "SERVICE_NAME": name,
                    "LOG_LEVEL": "INFO",
                    "TRUSTED_PROXY_HOPS": "1",
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
                            "volumes": [KAFKA_CA_VOLUME],
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
                                "volumes": [KAFKA_CA_VOLUME],
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
    return docs


def render(docs: list[dict]) -> str:
    # JSON is valid YAML: one document per line keeps the files diffable and needs no YAML writer.
    header = "# Generated by deploy/k8s/generate.py; edit that, not this.\n"
    return header + "".join(f"---\n{json.dumps(d, ensure_ascii=False, sort_keys=True)}\n" for d in docs)


def main() -> None:
    (HERE / "kafka.yaml").write_text(render(kafka_docs()))
    (HERE / "tongxin.yaml").write_text(render(service_docs()))


if __name__ == "__main__":
    main()
