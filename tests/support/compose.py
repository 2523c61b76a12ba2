"""docker-compose.yml as the deployment tests read it: the services and what each worker's labels
say it produces and consumes (the Kubernetes checks hold the manifests to the same labels)."""

from __future__ import annotations

import yaml

from tests.support.infra import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = ("registry", "evaluation", "servicedesk", "sharing-gateway", "supervision")


def labels(service: str) -> tuple[set[str], set[str]]:
    worker = COMPOSE["services"][f"{service}-worker"]["labels"]
    split = lambda v: set(filter(None, v.split(",")))  # noqa: E731
    return split(worker["cn.tongxin.produces"]), split(worker["cn.tongxin.consumes"])
