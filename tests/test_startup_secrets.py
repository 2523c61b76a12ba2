"""Start-up outside development mode: each service's API (under gunicorn, as deployed) and worker,
given a shipped default or a short secret, exits non-zero with a message naming the variable.
The attack this stops: a token minted with the default secret from this repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sharing_gateway.config import GatewaySettings
from sharing_gateway.domain.signing import write_new

from chassis.settings import SHIPPED_SECRETS, secret_fields
from evaluation.config import EvaluationSettings
from registry.config import RegistrySettings
from servicedesk.config import ServiceDeskSettings
from tests.support.infra import ROOT
from tests.support.secrets import strong_secret_environment

BIN = Path(sys.executable).parent
SERVICES = {
    "registry": (RegistrySettings, "registry.entrypoints.api.app:create_app()", "registry-worker"),
    "evaluation": (EvaluationSettings, "evaluation.entrypoints.api.app:create_app()", "evaluation-worker"),
    "servicedesk": (ServiceDeskSettings, "servicedesk.entrypoints.api.app:create_app()", "servicedesk-worker"),
    "sharing-gateway": (GatewaySettings, "sharing_gateway.entrypoints.api.app:create_app()", "gateway-worker"),
}
CASES = [
    (service, variable)
    for service, (settings, _, _) in SERVICES.items()
    for variable in [None, *strong_secret_environment(settings)]  # None: nothing set, every default shipped
]


def start(service: str, process: str, env: dict, tmp: Path, signing_key: bool = True) -> subprocess.CompletedProcess:
    _, app, worker = SERVICES[service]
    if service == "sharing-gateway" and signing_key and not (tmp / "signing.pem").exists():
        write_new(tmp / "signing.pem")  # the gateway's identity is provided; these tests are about secrets
    cmd = (
        [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy/gunicorn/gunicorn.conf.py"), app]
        if process == "api"
        else [str(BIN / worker)]
    )
    base = {k: v for k, v in os.environ.items() if k not in strong_secret_environment(*_settings())}
    base.pop("DEVELOPMENT_MODE", None)
    env = {
        **base,
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite'}",
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
        "SIGNING_KEY_FILE": str(tmp / "signing.pem"),
        "BIND": "127.0.0.1:0",
        "WEB_CONCURRENCY": "1",
        **env,
    }
    return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)


def _settings():
    return [s for s, _, _ in SERVICES.values()]


@pytest.mark.parametrize("process", ["api", "worker"])
@pytest.mark.parametrize("service, variable", CASES)
def test_an_unsafe_secret_stops_the_service_naming_its_variable(service, variable, process, tmp_path):
    strong = strong_secret_environment(SERVICES[service][0])
    if variable is None:
        env, named = {}, "JWT_SECRET"
    else:
        env, named = {**strong, variable: "too-short-31-bytes-xxxxxxxxxxxx"}, variable
    done = start(service, process, env, tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output[-2000:]
    assert f"{named} is" in output, output[-2000:]


@pytest.mark.parametrize("process", ["api", "worker"])
def test_the_gateway_will_not_start_without_its_signing_key_outside_development_mode(process, tmp_path):
    done = start("sharing-gateway", process, strong_secret_environment(GatewaySettings), tmp_path, signing_key=False)
    assert done.returncode != 0 and "SIGNING_KEY_FILE is missing" in done.stdout + done.stderr
    assert not (tmp_path / "signing.pem").exists()


def test_development_mode_accepts_the_shipped_defaults_but_not_a_public_address(tmp_path):
    done = start("registry", "api", {"DEVELOPMENT_MODE": "true", "BIND": "0.0.0.0:0"}, tmp_path)
    assert done.returncode != 0 and "DEVELOPMENT_MODE serves loopback only" in done.stderr + done.stdout


def test_compose_requires_every_secret_and_passes_it_to_the_processes_that_use_it():
    import re

    import yaml
    from console.config import ConsoleSettings

    text = (ROOT / "docker-compose.yml").read_text()
    services = yaml.safe_load(text)["services"]
    required = re.compile(r"^\$\{[A-Z_]+:\?[^}]+\}$")
    owners = {name: (s, ("api", "worker")) for name, (s, _, _) in SERVICES.items()}
    for name, (settings, parts) in owners.items():
        for part in parts:
            env = services[f"{name}-{part}"]["environment"]
            for field in secret_fields(settings):
                assert required.match(str(env.get(field.name.upper()))), (name, part, field.name)
            assert re.search(r":\$\{[A-Z]+_DB_PASSWORD:\?[^}]+\}@", env["DATABASE_URL"]), (name, part)
    assert required.match(services["console"]["environment"]["SECRET_KEY"])
    assert [f.name for f in secret_fields(ConsoleSettings)] == ["jwt_secret", "metrics_token", "secret_key"]
    assert required.match(services["postgres"]["environment"]["POSTGRES_PASSWORD"])
    for value in SHIPPED_SECRETS:
        assert value not in text
    assert "-dev-password" not in text + (ROOT / "deploy/compose/postgres-init.sql").read_text()
