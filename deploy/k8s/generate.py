"""Write the Kubernetes manifests for running Tongxin across machines.

    python deploy/k8s/generate.py      # rewrites deploy/k8s/{kafka,keycloak,tongxin}.yaml

- ``kafka.yaml``: a Strimzi ``Kafka`` cluster (KRaft, 3 brokers in a ``KafkaNodePool``,
  replication 3, min ISR 2) whose only listener is TLS with SCRAM-SHA-512 and whose
  authorizer denies what no ACL allows; one ``KafkaTopic`` per topic of
  ``chassis.topics.platform_topics`` with its retention, and partitions sized for the
  consumer parallelism below (a consumer group has at most one member per partition); one
  ``KafkaUser`` per service and per agency with the ACLs of ``chassis.principals`` (the
  same declaration the local broker's ACLs and the workers come from), and ``admin``.
- ``tongxin.yaml``: per service a migration ``Job``, an API ``Deployment`` + ``Service``
  + ``HorizontalPodAutoscaler`` + ``PodDisruptionBudget`` + a ``NetworkPolicy`` that admits only
  the edge (ingress controller, console), and a worker ``Deployment`` +
  HPA (capped at the partition count) + PDB. Configuration comes from a ``ConfigMap``
  and a ``Secret`` per service (create the Secrets yourself: DATABASE_URL and the service's
  secret settings, e.g. METRICS_TOKEN; each service refuses to start with a short or shipped one;
  staff tokens need none: the APIs verify them with Keycloak's public keys, ``OIDC_JWKS_URL``);
  the Kafka password comes from the Secret Strimzi makes for the service's ``KafkaUser``
  (``kafka-user-<service>``),
  the cluster CA from ``tongxin-cluster-ca-cert``.
  The sharing gateway also mounts its Ed25519 signing key from the Secret
  ``sharing-gateway-signing-key`` (file ``gateway-signing-key.pem``, made once with
  ``SIGNING_KEY_FILE=./gateway-signing-key.pem gateway-admin create-signing-key``): without it the
  gateway refuses to start, and no pod ever invents a key of its own.
- ``keycloak.yaml``: Keycloak (the identity provider) in production mode on its own
  PostgreSQL database, two replicas sharing their caches (JDBC_PING over that database),
  the realm file in a ``ConfigMap`` imported on the first start, behind the ingress's TLS.
  The realm holds no account and no secret (the demo accounts and the e2e client are in
  ``tongxin-realm.dev.json``, never deployed). Create the ``keycloak`` Secret yourself:
  KC_DB_USERNAME, KC_DB_PASSWORD, KC_BOOTSTRAP_ADMIN_USERNAME, KC_BOOTSTRAP_ADMIN_PASSWORD,
  TONGXIN_CONSOLE_CLIENT_SECRET and TONGXIN_CONSOLE_STAFF_CLIENT_SECRET (the pod does not start
  without each one it requires).

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
from chassis.topics import DLQ_SUFFIX, FEED_PREFIX, GATEWAY_CHECKPOINTS, GATEWAY_INBOUND, platform_topics  # noqa: E402

NAMESPACE = "tongxin"
KEYCLOAK_IMAGE = "quay.io/keycloak/keycloak:26.5.6"
KEYCLOAK_REQUIRED_SECRETS = (
    "KC_DB_PASSWORD",
    "KC_BOOTSTRAP_ADMIN_PASSWORD",
    "TONGXIN_CONSOLE_CLIENT_SECRET",
    "TONGXIN_CONSOLE_STAFF_CLIENT_SECRET",
)
#: The issuer as browsers and tokens name it (the ingress), and the keys as services fetch them (in-cluster).
OIDC_ISSUER = "https://id.tongxin.example.cn/realms/tongxin"
OIDC_JWKS_URL = "http://keycloak/realms/tongxin/protocol/openid-connect/certs"
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
    if topic.endswith(DLQ_SUFFIX) or topic == GATEWAY_CHECKPOINTS:
        return 1  # the ledger's checkpoints: one ordered sequence
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
SIGNING_KEY_DIR = "/var/run/tongxin/signing"


def _pod(service: str, container: dict, **spec) -> dict:
    """A pod spec around one container, with the cluster CA for Kafka; the gateway's pods also mount
    its signing key, read-only."""
    if service != "sharing-gateway":
        return {**spec, "containers": [container], "volumes": [KAFKA_CA_VOLUME]}
    mount = {"name": "signing-key", "mountPath": SIGNING_KEY_DIR, "readOnly": True}
    return {
        **spec,
        "securityContext": {"fsGroup": 10001},
        "containers": [{**container, "volumeMounts": [*container.get("volumeMounts", []), mount]}],
        "volumes": [
            KAFKA_CA_VOLUME,
            {"name": "signing-key", "secret": {"secretName": "sharing-gateway-signing-key", "defaultMode": 0o440}},
        ],
    }


#: The gateway's operator commands (its migrate job's image) reach Kafka; the others' do not.
ADMIN_USES_KAFKA = frozenset({"sharing-gateway"})


def _container(service: str, name: str, command: list[str] | None, probes: bool, kafka: bool) -> dict:
    """One container of the service's image (its default command is the API under gunicorn).
    Only a container that talks to Kafka (``kafka``: workers) gets the service's Kafka password:
    an API never uses Kafka, so a compromised API process cannot read or forge events."""
    password = {  # the service's own Kafka principal, its password kept by Strimzi's User Operator
        "name": "KAFKA_SASL_PASSWORD",
        "valueFrom": {"secretKeyRef": {"name": USER_SECRET_PREFIX + service, "key": "password"}},
    }
    c: dict = {
        "name": name,
        "image": f"registry.example.cn/tongxin/{service}:1.0.0",
        "envFrom": [{"configMapRef": {"name": service}}, {"secretRef": {"name": service}}],
        **({"env": [password]} if kafka else {}),
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
                    "OIDC_ISSUER": OIDC_ISSUER,
                    "OIDC_AUDIENCE": "tongxin-api",
                    "OIDC_JWKS_URL": OIDC_JWKS_URL,
                    "FORWARDED_ALLOW_IPS": "*",
                    **(
                        {"GUNICORN_THREADS": "8", "SIGNING_KEY_FILE": f"{SIGNING_KEY_DIR}/gateway-signing-key.pem"}
                        if name == "sharing-gateway"
                        else {}
                    ),
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
                        "spec": _pod(
                            name,
                            _container(name, f"{name}-migrate", [admin, "migrate"], False, name in ADMIN_USES_KAFKA),
                            restartPolicy="OnFailure",
                        ),
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
                            "spec": _pod(
                                name,
                                _container(name, full, command, component == "api", component != "api"),
                                terminationGracePeriodSeconds=30,
                            ),
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
        ]
        # Required keys: without one the pod does not start (the realm file holds no secret and
        # Keycloak would keep an unset ${VAR} placeholder as the literal secret).
        + [
            {"name": name, "valueFrom": {"secretKeyRef": {"name": "keycloak", "key": name}}}
            for name in KEYCLOAK_REQUIRED_SECRETS
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
