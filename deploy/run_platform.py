"""``make run``: the whole platform on this machine, for newcomers and demos.

Starts the local Kafka broker (deploy/kafka: TLS, SCRAM users, ACLs) and the local Keycloak with the
tongxin realm (deploy/keycloak), migrates each service's SQLite database, starts
each service's API under gunicorn and its worker as separate processes, waits
until they are ready and prints where everything is, with the demo staff accounts
(user names and passwords) and how to get an API token. Services verify Keycloak's
tokens. Ctrl-C stops everything cleanly; data lives in ``var/`` and the next run
reuses it.

    python deploy/run_platform.py            # run until Ctrl-C
    python deploy/run_platform.py --check    # start, probe every printed URL, stop (used by tests)
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "kafka"))
sys.path.insert(0, str(ROOT / "deploy" / "keycloak"))

from local_kafka import LocalKafka  # noqa: E402
from local_keycloak import LocalKeycloak, demo_users  # noqa: E402

BIN = Path(sys.executable).parent
GUNICORN_CONF = ROOT / "deploy" / "gunicorn" / "gunicorn.conf.py"


@dataclasses.dataclass(frozen=True)
class Service:
    name: str
    port: int
    app: str
    admin: str
    worker: str
    #: Extra environment for this service (values may use {var} and {root}).
    extra_env: tuple[tuple[str, str], ...] = ()


SERVICES = [
    Service("registry", 8001, "registry.entrypoints.api.app:create_app()", "registry-admin", "registry-worker"),
    Service(
        "evaluation",
        8002,
        "evaluation.entrypoints.api.app:create_app()",
        "evaluation-admin",
        "evaluation-worker",
        # The demo seeder answers every self and public rating from one address; production keeps 60.
        (("RATE_LIMIT_PER_MINUTE", "5000"),),
    ),
    Service(
        "servicedesk", 8003, "servicedesk.entrypoints.api.app:create_app()", "servicedesk-admin", "servicedesk-worker"
    ),
    Service(
        "sharing-gateway",
        8004,
        "sharing_gateway.entrypoints.api.app:create_app()",
        "gateway-admin",
        "gateway-worker",
        (
            ("GUNICORN_THREADS", "8"),  # long-polled feeds
            ("POLICY_DIR", "{root}/deploy/policies"),
            ("SIGNING_KEY_FILE", "{var}/gateway-signing-key.pem"),
        ),
    ),
]
AGENCIES = ("court", "public_security", "npc", "cppcc")
#: The staff console: no worker; it calls the four APIs with the user's token (its own database
#: holds only sessions and the staff audit log, migrated when it starts).
CONSOLE = Service("console", 8000, "console.app:create_app()", "", "")


class Platform:
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

    def env(self, service: Service) -> dict:
        return {
            **os.environ,
            "SERVICE_NAME": service.name,
            "DATABASE_URL": self.database_urls.get(service.name)
            or os.environ.get(
                f"{service.name.upper().replace('-', '_')}_DATABASE_URL", f"sqlite:///{self.var / service.name}.db"
            ),
            # Each service reaches Kafka as its own principal (SASL_SSL; ACLs in chassis.principals).
            **self.kafka.client_env(service.name),
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
            "DATABASE_URL": f"sqlite:///{self.var / 'console.db'}",
            **self.identity_env(),
            # Demo accounts hinted at sign-in, and the session cookie over plain http to 127.0.0.1 (development only).
            "DEVELOPMENT_MODE": "true",
            "SESSION_COOKIE_SECURE": "false",
            "ECHARTS_FILE": "services/console/node_modules/echarts/dist/echarts.min.js",
        }

    def seed_demo_data(self, people: int) -> None:
        """On the first run, fill the platform with demo data through its APIs (var/demo-data.json marks it done),
        as the demo seeder and demo accounts of its Keycloak (``with_keycloak``)."""
        marker = self.var / "demo-data.json"
        if marker.exists():
            print(
                f"demo data: already seeded ({json.loads(marker.read_text())['people']} people), reusing it", flush=True
            )
            return
        sys.path.insert(0, str(ROOT / "deploy"))
        from demo_data import seed

        print(f"seeding demo data through the APIs ({people:,} people) ...", flush=True)
        urls = {s.name: self.url(s) for s in SERVICES}
        summary = seed(
            urls, self.keys, people, min(300, max(100, people // 10)), say=lambda m: print(m, flush=True),
            notice_keys=self.notice_keys, token=self.seeder_token(), staff_token=self.demo_staff_token,
        )  # fmt: skip
        marker.write_text(json.dumps(summary, indent=2))

    def seeder_token(self):
        """The demo seeder's access token (client credentials of ``tongxin-seeder``), renewed before it expires."""
        cached = {"token": "", "until": 0.0}
        secret = os.environ.get("TONGXIN_SEEDER_CLIENT_SECRET", "dev-only-tongxin-seeder-secret-change-me")

        def token() -> str:
            if time.monotonic() > cached["until"]:
                form = urllib.parse.urlencode(
                    {"grant_type": "client_credentials", "client_id": "tongxin-seeder", "client_secret": secret}
                ).encode()
                with urllib.request.urlopen(self.keycloak.token_url, data=form, timeout=30) as answer:  # noqa: S310
                    body = json.load(answer)
                cached.update(token=body["access_token"], until=time.monotonic() + body["expires_in"] - 60)
            return cached["token"]

        return token

    def demo_staff_token(self, username: str) -> str:
        """A demo account's access token through the development-only e2e client's password grant."""
        secret = os.environ.get("TONGXIN_E2E_CLIENT_SECRET", "dev-only-tongxin-e2e-secret-change-me")
        account = next(u for u in demo_users() if u["username"] == username)
        form = urllib.parse.urlencode(
            {"grant_type": "password", "client_id": "tongxin-e2e", "client_secret": secret,
             "username": username, "password": account["password"]}
        ).encode()  # fmt: skip
        with urllib.request.urlopen(self.keycloak.token_url, data=form, timeout=30) as answer:  # noqa: S310
            return json.load(answer)["access_token"]

    def agency_keys(self) -> dict[str, str]:
        """Demo API keys for the agencies: issued on the first run, kept in var/ and reused."""
        path = self.var / "agency-keys.json"
        if path.exists():
            return json.loads(path.read_text())
        gateway = next(s for s in SERVICES if s.name == "sharing-gateway")
        keys = {}
        for agency in AGENCIES:
            done = subprocess.run(
                [str(BIN / gateway.admin), "issue-key", agency], env=self.env(gateway), check=True, capture_output=True
            )
            keys[agency] = done.stdout.decode().strip()
        path.write_text(json.dumps(keys, indent=2))
        path.chmod(0o600)
        return keys

    def with_keycloak(self, port: int) -> Platform:
        self.keycloak = LocalKeycloak(self.var / "keycloak", port)
        return self

    def trusting(self, identity_env: dict[str, str]) -> Platform:
        """Start no Keycloak; the services trust the identity provider these ``OIDC_*`` variables
        name (a running Keycloak's issuer and JWKS URL, or a test issuer's inline ``OIDC_JWKS``)."""
        self.trusted_identity = dict(identity_env)
        return self

    def notice_signing_keys(self) -> dict[str, Path]:
        """Each agency's demo notice-signing key (private PEM in var/agency-notice-keys/, the agency's
        side), its public half registered with the gateway on the first run."""
        from sharing_gateway import notice_sender

        gateway = next(s for s in SERVICES if s.name == "sharing-gateway")
        folder, found = self.var / "agency-notice-keys", {}
        for agency in AGENCIES:
            private = folder / f"{agency}.pem"
            if not private.exists():
                private, public = notice_sender.write_pair(folder, agency)
                subprocess.run(
                    [str(BIN / gateway.admin), "register-notice-key", agency, str(public)],
                    env=self.env(gateway), check=True, capture_output=True,
                )  # fmt: skip
            found[agency] = private
        return found

    def provide_signing_key(self, service: Service) -> None:
        """The gateway's signing key: made once by the operator's command, never by the gateway outside
        development mode (the end-to-end platform runs in production mode)."""
        if service.name == "sharing-gateway" and not (self.var / "gateway-signing-key.pem").exists():
            subprocess.run(
                [str(BIN / service.admin), "create-signing-key"], env=self.env(service), check=True,
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
        print(f"starting Kafka on {self.kafka.bootstrap_servers} ...", flush=True)
        self.kafka.start()
        print(f"  Kafka ready in {self.kafka.startup_seconds:.1f}s", flush=True)
        logs = self.var / "logs"
        logs.mkdir(exist_ok=True)
        for service in SERVICES:
            env = self.env(service)
            self.provide_signing_key(service)
            subprocess.run([str(BIN / service.admin), "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
            api_env = {k: v for k, v in env.items() if k != "KAFKA_SASL_PASSWORD"}  # an API never uses Kafka
            self._spawn(
                f"{service.name}-api", [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), service.app], api_env, logs
            )
            self._spawn(f"{service.name}-worker", [str(BIN / service.worker)], env, logs)
        for service in SERVICES:
            self._wait_ready(service)
        self.keys = self.agency_keys()
        self.notice_keys = self.notice_signing_keys()
        self._spawn("console", [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "console.app:create_app()"],
                    self.console_env(), logs)  # fmt: skip
        self._wait_ready(CONSOLE)
        if self.keycloak:
            self.keycloak.wait_until_ready()
            print(f"  Keycloak ready in {self.keycloak.startup_seconds:.1f}s", flush=True)
        self.ready_seconds = time.monotonic() - began

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

    def print_banner(self) -> None:
        from chassis.settings import BaseSettings

        s = BaseSettings.from_env()
        print(f"\nTongxin is running (ready in {self.ready_seconds:.1f}s). Kafka: {self.kafka.bootstrap_servers}")
        print(f"  (SASL_SSL: CA {self.kafka.ca_file}, one SCRAM user per service in {self.kafka.credentials_file})")
        print(f"  {'console':<16} {self.url(CONSOLE)}   (demo accounts below; public rating form at /rate/<token>)")
        for service in SERVICES:
            print(f"  {service.name:<16} API {self.url(service)}   Swagger UI {self.url(service, '/docs')}")
        if self.keycloak:
            print(f"\nKeycloak (identity provider): {self.keycloak.issuer}, admin console {self.keycloak.url}/admin/")
            print(f"  bootstrap admin in {self.keycloak.data_dir / 'bootstrap-admin.json'}")
            print("  demo staff accounts (administrators enrol TOTP at their first browser sign-in):")
            for user in demo_users():
                print(f"    {user['username']:<22} {user['password']:<30} {','.join(user['roles']):<14} {user['unit']}")
            print(
                "  an access token for the APIs (5 minutes; development-only e2e client, accounts without TOTP):\n"
                "    curl -s -d grant_type=password -d client_id=tongxin-e2e "
                "-d client_secret=dev-only-tongxin-e2e-secret-change-me \\\n"
                f"      -d username=county-editor -d password=Tx-county-editor-2026 {self.keycloak.token_url}"
            )
        gateway = next(s for s in SERVICES if s.name == "sharing-gateway")
        print(
            f"\nAgency feeds: {self.url(gateway, '/feed')} (long poll: ?after=<seq>&wait=30), notices: "
            f"{self.url(gateway, '/notices')}; demo agency keys, use as 'Authorization: ApiKey <key>':"
        )
        for agency, key in self.keys.items():
            print(f"  {agency:<16} {key}")
        print(f"Notices are JWS (EdDSA) signed with the agency's key: demo keys in {self.var / 'agency-notice-keys'}")
        print(
            f"\nPrometheus /metrics needs 'Authorization: Bearer <METRICS_TOKEN>' (development default: "
            f"{s.metrics_token})"
        )
        print(f"\nLogs: {self.var / 'logs'}. Press Ctrl-C to stop.", flush=True)

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


def check(platform: Platform) -> int:
    """Probe every printed URL, and each agency's feed with its demo key; exit non-zero if any fails."""
    from chassis.settings import BaseSettings

    gateway = next(s for s in SERVICES if s.name == "sharing-gateway")
    scraper = {"Authorization": f"Bearer {BaseSettings.from_env().metrics_token}"}  # /metrics is not public
    probes = [(url, scraper if url.endswith("/metrics") else {}) for url in platform.urls()] + [
        (platform.url(gateway, "/feed"), {"Authorization": f"ApiKey {key}"}) for key in platform.keys.values()
    ]
    failures = 0
    for url, headers in probes:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as r:  # noqa: S310
                print(f"  {r.status} {url}")
        except OSError as exc:
            failures += 1
            print(f"  FAIL {url}: {exc}")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="start, probe every URL, stop")
    parser.add_argument("--var", default=str(ROOT / "var"))
    parser.add_argument("--kafka-port", type=int, default=int(os.environ.get("TONGXIN_KAFKA_PORT", "9092")))
    parser.add_argument("--port-offset", type=int, default=0, help="added to every service port")
    parser.add_argument("--demo-people", type=int, default=23_000, help="people in the demo registry (first run only)")
    args = parser.parse_args(argv)
    platform = Platform(Path(args.var), args.kafka_port, args.port_offset, development_mode=True).with_keycloak(
        8080 + args.port_offset
    )
    stopping = False

    def _stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        platform.start()
        platform.seed_demo_data(args.demo_people)
        platform.print_banner()
        if args.check:
            return check(platform)
        while not stopping:
            for name, proc in platform.processes:
                if proc.poll() is not None:
                    print(f"{name} exited with {proc.returncode}; stopping", flush=True)
                    return 1
            time.sleep(0.5)
        return 0
    finally:
        print("stopping ...", flush=True)
        platform.stop()


if __name__ == "__main__":
    sys.exit(main())
