"""Kubernetes object metadata shared by every generated manifest: the namespace and the
``app.kubernetes.io`` labels that name a service and its component."""

from __future__ import annotations

NAMESPACE = "tongxin"


def object_meta(name: str, component: str, service: str) -> dict:
    return {
        "name": name,
        "namespace": NAMESPACE,
        "labels": {
            "app.kubernetes.io/name": service,
            "app.kubernetes.io/component": component,
            "app.kubernetes.io/part-of": "tongxin",
        },
    }
