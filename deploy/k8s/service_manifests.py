"""The services' manifests (``tongxin.yaml``): per service a migration job, the API and worker
deployments with autoscalers and disruption budgets, and the network policy that admits only the
edge; Kafka passwords reach only the containers that use Kafka."""

from __future__ import annotations

from kafka_manifests import CLUSTER, CLUSTER_CA_SECRET, TOPICS, USER_SECRET_PREFIX
from keycloak_manifests import OIDC_ISSUER, OIDC_JWKS_URL
from object_meta import NAMESPACE, object_meta

from chassis import principals

CA_DIR = "/etc/tongxin/kafka-ca"
SERVICES = [
    # name, admin command, worker command, topics the worker consumes (chassis.principals)
    (name, admin, worker, list(principals.SERVICES[name].consumes))
    for name, admin, worker in (
        ("registry", "registry-admin", "registry-worker"),
        ("evaluation", "evaluation-admin", "evaluation-worker"),
        ("servicedesk", "servicedesk-admin", "servicedesk-worker"),
        ("sharing-gateway", "gateway-admin", "gateway-worker"),
        ("supervision", "supervision-admin", "supervision-worker"),
    )
]

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
                "metadata": object_meta(name, "config", name),
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
                    **object_meta(f"{name}-migrate", "migrate", name),
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
                    "metadata": object_meta(full, component, name),
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
                    "metadata": object_meta(full, component, name),
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
                    "metadata": object_meta(full, component, name),
                    "spec": {"minAvailable": 1, "selector": {"matchLabels": selector(component)}},
                }
            )
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": object_meta(name, "api", name),
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
        "metadata": object_meta(f"{service}-api-edge-only", "api", service),
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
