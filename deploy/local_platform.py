"""The platform on this machine as processes: the local Kafka broker and Keycloak, each service's
migration, API under gunicorn and worker, and the console; started, restarted (as a crash would)
and stopped. ``run_platform.py`` is its command line; the tests and benchmarks start it too."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from platform_services import BIN, CONSOLE, GUNICORN_CONF, ROOT, SERVICES, Service

sys.path.insert(0, str(ROOT / "deploy" / "kafka"))
sys.path.insert(0, str(ROOT / "deploy" / "keycloak"))

from demo_credentials import DemoCredentials
from local_kafka import LocalKafka
from local_keycloak import LocalKeycloak


class Platform(DemoCredentials):
    def __init__(
        self,
        var: Path,
        kafka_port: int,
        base_port_offset: int = 0,
        database_urls: dict[str, str] | None = None,
        development_mode: bool = True,
    ):
        self.database_urls = database_urls or {}
        #: True for make run (shipped secrets, loopback only); False runs as production does, and
        #: then every secret must come from the environment.
        self.development_mode = development_mode
        self.var = var
        self.kafka = LocalKafka(var / "kafka", port=kafka_port)
        self.offset = base_port_offset
        #: The identity provider this platform starts (``with_keycloak``: make run, the browser tests) ...
        self.keycloak: LocalKeycloak | None = None
        #: ... or the one it is told to trust (``trusting``: a test's Keycloak or throwaway issuer).
        self.trusted_identity: dict[str, str] = {}
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.commands: dict[str, tuple[list[str], dict]] = {}

    def env(self, service: Service, with_kafka: bool = True) -> dict:
        """A process's environment; ``with_kafka=False`` for the operator's database commands, which
        run while the broker is still starting (and need no Kafka credentials)."""
        return {
            **os.environ,
            "SERVICE_NAME": service.name,
            "DATABASE_URL": self.database_urls.get(service.name)
            or os.environ.get(
                f"{service.name.upper().replace('-', '_')}_DATABASE_URL", f"sqlite:///{self.var / service.name}.db"
            ),
            # Each service reaches Kafka as its own principal (SASL_SSL; ACLs in chassis.principals).
            **(self.kafka.client_env(service.name) if with_kafka else {}),
            "PROMETHEUS_MULTIPROC_DIR": str(self.var / "prometheus" / service.name),
            "BIND": f"127.0.0.1:{service.port + self.offset}",
            "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
            **{k: v.format(var=self.var, root=ROOT) for k, v in service.extra_env},
            **self._mode(),
            **self.identity_env(),
        }

    def _mode(self) -> dict:
        return {"DEVELOPMENT_MODE": "true" if self.development_mode else "false"}

    def identity_env(self) -> dict:
        """Whose tokens the services accept: they verify them against its JWKS (``chassis.oidc``)."""
        if self.keycloak:
            return {"OIDC_ISSUER": self.keycloak.issuer, "OIDC_JWKS_URL": self.keycloak.jwks_url}
        return self.trusted_identity

    def console_env(self) -> dict:
        urls = {s.name: self.url(s) for s in SERVICES}
        return {
            **os.environ,
            "SERVICE_NAME": "console",
            "BIND": f"127.0.0.1:{CONSOLE.port + self.offset}",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "4",
            "REGISTRY_URL": urls["registry"],
            "EVALUATION_URL": urls["evaluation"],
            "SERVICEDESK_URL": urls["servicedesk"],
            "GATEWAY_URL": urls["sharing-gateway"],
            "SUPERVISION_URL": urls["supervision"],
            "DATABASE_URL": f"sqlite:///{self.var / 'console.db'}",
            **self.identity_env(),
            # Demo accounts hinted at sign-in, and the session cookie over plain http to 127.0.0.1 (development only).
            "DEVELOPMENT_MODE": "true",
            "SESSION_COOKIE_SECURE": "false",
            "ECHARTS_FILE": "services/console/node_modules/echarts/dist/echarts.min.js",
        }

    def with_keycloak(self, port: int) -> Platform:
        self.keycloak = LocalKeycloak(self.var / "keycloak", port)
        return self

    def trusting(self, identity_env: dict[str, str]) -> Platform:
        """Start no Keycloak; the services trust the identity provider these ``OIDC_*`` variables
        name (a running Keycloak's issuer and JWKS URL, or a test issuer's inline ``OIDC_JWKS``)."""
        self.trusted_identity = dict(identity_env)
        return self

    def provide_signing_key(self, service: Service) -> None:
        """The gateway's signing key: made once by the operator's command, never by the gateway outside
        development mode (the end-to-end platform runs in production mode)."""
        if service.name == "sharing-gateway" and not (self.var / "gateway-signing-key.pem").exists():
            subprocess.run(
                [str(BIN / service.admin), "create-signing-key"], env=self.env(service, with_kafka=False), check=True,
                stdout=subprocess.DEVNULL,
            )  # fmt: skip

    def start(self) -> None:
        if not self.identity_env():
            raise ValueError("no identity provider: with_keycloak(port) or trusting(OIDC_* variables)")
        self.var.mkdir(parents=True, exist_ok=True)
        began = time.monotonic()
        if self.keycloak:  # it starts beside Kafka and the services; waited for at the end
            # The realm's console client accepts sign-in redirects to this console (read at the first import).
            os.environ.setdefault("TONGXIN_CONSOLE_URL", self.url(CONSOLE))
            print(f"starting Keycloak on {self.keycloak.url} ...", flush=True)
            self.keycloak.launch()
        logs = self.var / "logs"
        logs.mkdir(exist_ok=True)
        with concurrent.futures.ThreadPoolExecutor(len(SERVICES)) as pool:
            # Each service's database is migrated while Kafka starts (a migration needs no broker).
            prepared = {service.name: pool.submit(self._prepare, service) for service in SERVICES}
            print(f"starting Kafka on {self.kafka.bootstrap_servers} ...", flush=True)
            self.kafka.start()
            print(f"  Kafka ready in {self.kafka.startup_seconds:.1f}s", flush=True)
            for service in SERVICES:
                prepared[service.name].result()
                env = self.env(service)
                api_env = {k: v for k, v in env.items() if k != "KAFKA_SASL_PASSWORD"}  # an API never uses Kafka
                self._spawn(
                    f"{service.name}-api", [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), service.app], api_env, logs
                )
                self._spawn(f"{service.name}-worker", [str(BIN / service.worker)], env, logs)
            # The agencies' demo keys need only the gateway's database: issued while the services start.
            keys, notice_keys = pool.submit(self.agency_keys), pool.submit(self.notice_signing_keys)
            for service in SERVICES:
                self._wait_ready(service)
            self.keys, self.notice_keys = keys.result(), notice_keys.result()
        self._spawn("console", [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "console.app:create_app()"],
                    self.console_env(), logs)  # fmt: skip
        self._wait_ready(CONSOLE)
        if self.keycloak:
            self.keycloak.wait_until_ready()
            print(f"  Keycloak ready in {self.keycloak.startup_seconds:.1f}s", flush=True)
        self.ready_seconds = time.monotonic() - began

    def _prepare(self, service: Service) -> None:
        self.provide_signing_key(service)  # the gateway loads its key on every command, migrate included
        migrate = [str(BIN / service.admin), "migrate"]
        subprocess.run(migrate, env=self.env(service, with_kafka=False), check=True, stdout=subprocess.DEVNULL)

    def _spawn(self, name: str, cmd: list[str], env: dict, logs: Path) -> None:
        self.commands[name] = (cmd, env)
        out = open(logs / f"{name}.log", "ab")
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
        self.processes = [(n, p) for n, p in self.processes if n != name] + [(name, proc)]

    def restart(self, name: str, hard: bool = False) -> None:
        """Stop one process (SIGKILL when ``hard``, as a crash would) and start it again."""
        proc = dict(self.processes)[name]
        if proc.poll() is None:
            if hard:  # the whole process group: gunicorn's workers die with their master, as in a crash
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.send_signal(signal.SIGTERM)
            proc.wait(30)
        cmd, env = self.commands[name]
        self._spawn(name, cmd, env, self.var / "logs")

    def url(self, service: Service, path: str = "") -> str:
        return f"http://127.0.0.1:{service.port + self.offset}{path}"

    def _wait_ready(self, service: Service, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.processes:
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}; see {self.var / 'logs' / name}.log")
            try:
                with urllib.request.urlopen(self.url(service, "/readyz"), timeout=2) as r:  # noqa: S310 (our http URL)
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"{service.name} not ready after {timeout}s")

    def urls(self) -> list[str]:
        apis = [self.url(s, p) for s in SERVICES for p in ("/docs", "/openapi.json", "/healthz", "/readyz", "/metrics")]
        identity = [f"{self.keycloak.issuer}/.well-known/openid-configuration"] if self.keycloak else []
        return [*apis, self.url(CONSOLE, "/login"), self.url(CONSOLE, "/vendor/echarts.min.js"), *identity]

    def stop(self) -> None:
        for _, proc in reversed(self.processes):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for _, proc in reversed(self.processes):
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.kafka.stop()
        if self.keycloak:
            self.keycloak.stop()
