"""The identity provider's manifests (``keycloak.yaml``): Keycloak in production mode on its own
PostgreSQL, two replicas, the realm file (no account, no secret) imported on the first start."""

from __future__ import annotations

from pathlib import Path

from object_meta import object_meta

HERE = Path(__file__).resolve().parent
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
            "metadata": object_meta("keycloak-realm", "config", "keycloak"),
            "data": {"tongxin-realm.json": realm},
        },
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": object_meta("keycloak", "server", "keycloak"),
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
            "metadata": object_meta("keycloak", "server", "keycloak"),
            "spec": {"minAvailable": 1, "selector": {"matchLabels": selector}},
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": object_meta("keycloak", "server", "keycloak"),
            "spec": {"selector": selector, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]},
        },
    ]
