"""Start-up outside development mode: each service's API (under gunicorn, as deployed) and worker,
given a shipped default or a short secret, exits non-zero with a message naming the variable.
The attack this stops: a digest, cookie or scraper token made with a default from this repository.
An API told no identity provider's keys (``OIDC_JWKS_URL``) does not start either."""

from __future__ import annotations

import os
import re
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
from supervision.config import SupervisionSettings
from tests.support.infra import ROOT
from tests.support.secrets import strong_secret_environment
from tests.support.tokens import trusted_environ

BIN = Path(sys.executable).parent
SERVICES = {
    "registry": (RegistrySettings, "registry.entrypoints.api.app:create_app()", "registry-worker"),
    "evaluation": (EvaluationSettings, "evaluation.entrypoints.api.app:create_app()", "evaluation-worker"),
    "servicedesk": (ServiceDeskSettings, "servicedesk.entrypoints.api.app:create_app()", "servicedesk-worker"),
    "sharing-gateway": (GatewaySettings, "sharing_gateway.entrypoints.api.app:create_app()", "gateway-worker"),
    "supervision": (SupervisionSettings, "supervision.entrypoints.api.app:create_app()", "supervision-worker"),
}
CASES = [
    (service, variable)
    for service, (settings, _, _) in SERVICES.items()
    for variable in [None, *strong_secret_environment(settings)]  # None: nothing set, every default shipped
]


ADMIN_COMMANDS = {
    "registry": ["registry-admin", "migrate"],
    "evaluation": ["evaluation-admin", "migrate"],
    "servicedesk": ["servicedesk-admin", "migrate"],
    "sharing-gateway": ["gateway-admin", "migrate"],
    "supervision": ["supervision-admin", "migrate"],
}


def start(
    service: str, process: str, env: dict, tmp: Path, extra: tuple[str, ...] = (), signing_key: bool = True
) -> subprocess.CompletedProcess:
    _, app, worker = SERVICES[service]
    if service == "sharing-gateway" and signing_key and not (tmp / "signing.pem").exists():
        write_new(tmp / "signing.pem")  # the gateway's identity is provided; these tests are about secrets
    if process == "api":
        cmd = [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy/gunicorn/gunicorn.conf.py"), *extra, app]
    elif process == "admin":
        cmd = [str(BIN / ADMIN_COMMANDS[service][0]), *ADMIN_COMMANDS[service][1:]]
    else:
        cmd = [str(BIN / worker)]
    base = {k: v for k, v in os.environ.items() if k not in strong_secret_environment(*_settings())}
    base.pop("DEVELOPMENT_MODE", None)
    env = {
        **base,
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite'}",
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
        "SIGNING_KEY_FILE": str(tmp / "signing.pem"),
        "BIND": "127.0.0.1:0",
        "WEB_CONCURRENCY": "1",
        **trusted_environ(),
        **env,
    }
    return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)


def _settings():
    return [s for s, _, _ in SERVICES.values()]


def first_required(settings_class: type, role: str) -> str:
    """The variable of the first secret a ``role`` process checks (an API holds no Kafka password)."""
    fields = [f for f in secret_fields(settings_class) if role in f.metadata.get("required_for", (role,))]
    return fields[0].name.upper()


@pytest.mark.parametrize("process", ["api", "worker"])
@pytest.mark.parametrize("service, variable", CASES)
def test_an_unsafe_secret_stops_the_service_naming_its_variable(service, variable, process, tmp_path):
    strong = strong_secret_environment(SERVICES[service][0])
    if variable is None:
        env, named = {}, first_required(SERVICES[service][0], process)  # the first one it checks
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


@pytest.mark.parametrize("service", list(SERVICES))
def test_an_operator_command_refuses_the_shipped_secrets_too(service, tmp_path):
    """``*-admin migrate`` runs with the service's secrets (the registry's re-keys ID digests with them)."""
    done = start(service, "admin", {}, tmp_path)
    first = first_required(SERVICES[service][0], "admin")  # the first secret it checks (no Kafka password:
    # of the operator's commands only the gateway's dry run reads Kafka, and it checks as a worker would)
    assert done.returncode != 0 and f"{first} is" in done.stdout + done.stderr
    assert not (tmp_path / "db.sqlite").exists() or (tmp_path / "db.sqlite").stat().st_size == 0


@pytest.mark.parametrize("service", list(SERVICES))
def test_only_the_worker_holds_the_kafka_password(service, tmp_path, monkeypatch):
    """An API never uses Kafka (its /readyz only opens a TCP connection), so it starts without the
    service's Kafka password and a compromised API process has none to leak; the worker refuses."""
    settings_class, app, _ = SERVICES[service]
    env = {k: v for k, v in strong_secret_environment(settings_class).items() if k != "KAFKA_SASL_PASSWORD"}
    worker = start(service, "worker", env, tmp_path)
    assert worker.returncode != 0 and "KAFKA_SASL_PASSWORD is not set" in worker.stdout + worker.stderr
    monkeypatch.delenv("DEVELOPMENT_MODE", raising=False)
    monkeypatch.delenv("KAFKA_SASL_PASSWORD", raising=False)
    base = {"DATABASE_URL": f"sqlite:///{tmp_path / 'api.sqlite'}", "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
            "SIGNING_KEY_FILE": str(tmp_path / "signing.pem"), **trusted_environ()}  # fmt: skip
    for name, value in {**base, **env}.items():
        monkeypatch.setenv(name, value)
    module, factory = app.removesuffix("()").split(":")
    api = getattr(__import__(module, fromlist=[factory]), factory)()  # the API entry, as gunicorn builds it
    assert api.test_client().get("/healthz").status_code == 200


@pytest.mark.parametrize("protocol", ["PLAINTEXT", "SSL", "SASL_PLAINTEXT"])
def test_a_worker_outside_development_mode_refuses_kafka_without_tls_and_sasl(protocol, tmp_path):
    env = {**strong_secret_environment(RegistrySettings), "KAFKA_SECURITY_PROTOCOL": protocol}
    done = start("registry", "worker", env, tmp_path)
    assert done.returncode != 0 and f"KAFKA_SECURITY_PROTOCOL is '{protocol}'" in done.stdout + done.stderr


@pytest.mark.parametrize("service", list(SERVICES))
@pytest.mark.parametrize("development_mode", ["false", "true"])
def test_an_api_not_told_the_identity_providers_keys_does_not_start(service, development_mode, tmp_path):
    """Staff tokens verify only against the JWKS the deployment names; there is no default address
    to fetch keys from and no shared secret to fall back on."""
    unset = {"OIDC_JWKS": "", "OIDC_JWKS_URL": ""}
    env = {**strong_secret_environment(SERVICES[service][0]), "DEVELOPMENT_MODE": development_mode, **unset}
    done = start(service, "api", env, tmp_path)
    assert done.returncode != 0 and "OIDC_JWKS_URL is not set" in done.stdout + done.stderr, done.stderr[-2000:]


@pytest.mark.parametrize(
    "env, extra",
    [
        ({"BIND": "0.0.0.0:0"}, ()),
        ({}, ("-b", "0.0.0.0:0")),  # the command line overrides BIND
        ({"GUNICORN_CMD_ARGS": "--bind 0.0.0.0:0"}, ()),
    ],
)
def test_development_mode_accepts_the_shipped_defaults_but_not_a_public_address(env, extra, tmp_path):
    done = start("registry", "api", {"DEVELOPMENT_MODE": "true", **env}, tmp_path, extra)
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
                if part not in field.metadata.get("required_for", (part,)):  # e.g. no Kafka password in an API
                    assert field.name.upper() not in env, (name, part, field.name)
                    continue
                value = str(env.get(field.name.upper()))
                if field.default == "" and field.metadata.get("empty_disables"):  # off unless set
                    assert value == f"${{{field.name.upper()}:-}}", (name, part, field.name)
                    continue
                assert required.match(value), (name, part, field.name)
            assert re.search(r":\$\{[A-Z]+_DB_PASSWORD:\?[^}]+\}@", env["DATABASE_URL"]), (name, part)
    for field in secret_fields(ConsoleSettings):
        assert required.match(str(services["console"]["environment"].get(field.name.upper()))), field.name
    assert required.match(services["postgres"]["environment"]["POSTGRES_PASSWORD"])
    for value in SHIPPED_SECRETS:
        assert value not in text
    assert "-dev-password" not in text + (ROOT / "deploy/compose/postgres-init.sql").read_text()
    keycloak = services["keycloak"]["environment"]
    for name in ("KC_BOOTSTRAP_ADMIN_PASSWORD", "KC_DB_PASSWORD", "TONGXIN_CONSOLE_CLIENT_SECRET"):
        assert required.match(str(keycloak[name])), name
    # A default only for a secret whose emptiness turns its feature off (e.g. no previous key outside a rotation).
    optional = {f.name.upper() for cls in _settings() for f in secret_fields(cls) if f.metadata.get("empty_disables")}
    defaulted = set(re.findall(r"\$\{([A-Z_]*(?:SECRET|PASSWORD|TOKEN|_KEY)[A-Z_]*):-", text))
    assert defaulted <= optional, f"no default for a secret: {defaulted - optional}"
    assert "dev-only-" not in text


def test_the_deployed_realm_holds_no_account_no_secret_and_no_password_grant():
    """Demo staff accounts, the demo seeder and the e2e client live in the development-only file."""
    import json

    realm = json.loads((ROOT / "deploy/keycloak/tongxin-realm.json").read_text())
    text = (ROOT / "deploy/keycloak/tongxin-realm.json").read_text()
    # The only account: the console's staff-administration service account, with no password and no
    # staff role (realm-management's manage-users and view-users only; no service accepts its tokens).
    users = realm.get("users", [])
    assert [u["username"] for u in users] == ["service-account-tongxin-console-staff"] and "dev-only-" not in text
    assert not users[0].get("credentials") and not users[0].get("realmRoles")
    assert users[0]["clientRoles"] == {"realm-management": ["manage-users", "view-users"]}
    assert not [c["clientId"] for c in realm["clients"] if c.get("directAccessGrantsEnabled")]
    assert [c["clientId"] for c in realm["clients"] if c.get("serviceAccountsEnabled")] == ["tongxin-console-staff"]
    secrets = [c["secret"] for c in realm["clients"] if c.get("secret")]
    assert secrets and all(re.fullmatch(r"\$\{[A-Z_]+\}", s) for s in secrets), secrets  # no ${VAR:default}
    import yaml

    mounted = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["keycloak"]["volumes"]
    assert [v.split(":")[0] for v in mounted] == ["./deploy/keycloak/tongxin-realm.json"]
    deployed = (ROOT / "deploy/k8s/keycloak.yaml").read_text()
    assert "tongxin-e2e" not in deployed and "tongxin-seeder" not in deployed and "county-admin" not in deployed
