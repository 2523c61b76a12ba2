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

This file is the command line and the banner; the platform itself is ``local_platform.Platform``
(what it starts: ``platform_services``; the demo's keys, tokens and seeding: ``demo_credentials``).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy"))  # the modules beside this one, also when imported by path
sys.path.insert(0, str(ROOT / "deploy" / "kafka"))
sys.path.insert(0, str(ROOT / "deploy" / "keycloak"))

from local_platform import Platform  # noqa: E402
from platform_services import AGENCIES, CONSOLE, SERVICES, Service  # noqa: E402
from tongxin_realm import demo_users  # noqa: E402

__all__ = ["AGENCIES", "CONSOLE", "SERVICES", "Platform", "Service", "check", "main", "print_banner"]


def print_banner(platform: Platform) -> None:
    from chassis.settings import BaseSettings

    s = BaseSettings.from_env()
    print(f"\nTongxin is running (ready in {platform.ready_seconds:.1f}s). Kafka: {platform.kafka.bootstrap_servers}")
    print(f"  (SASL_SSL: CA {platform.kafka.ca_file}, one SCRAM user per service in {platform.kafka.credentials_file})")
    print(f"  {'console':<16} {platform.url(CONSOLE)}   (demo accounts below; public rating form at /rate/<token>)")
    for service in SERVICES:
        print(f"  {service.name:<16} API {platform.url(service)}   Swagger UI {platform.url(service, '/docs')}")
    if platform.keycloak:
        print(
            f"\nKeycloak (identity provider): {platform.keycloak.issuer}, admin console {platform.keycloak.url}/admin/"
        )
        print(f"  bootstrap admin in {platform.keycloak.data_dir / 'bootstrap-admin.json'}")
        print("  demo staff accounts (administrators enrol TOTP at their first browser sign-in):")
        for user in demo_users():
            print(f"    {user['username']:<22} {user['password']:<30} {','.join(user['roles']):<14} {user['unit']}")
        print(
            "  an access token for the APIs (5 minutes; development-only e2e client, accounts without TOTP):\n"
            "    curl -s -d grant_type=password -d client_id=tongxin-e2e "
            "-d client_secret=dev-only-tongxin-e2e-secret-change-me \\\n"
            f"      -d username=county-editor -d password=Tx-county-editor-2026 {platform.keycloak.token_url}"
        )
    gateway = next(s for s in SERVICES if s.name == "sharing-gateway")
    print(
        f"\nAgency feeds: {platform.url(gateway, '/feed')} (long poll: ?after=<seq>&wait=30), notices: "
        f"{platform.url(gateway, '/notices')}; demo agency keys, use as 'Authorization: ApiKey <key>':"
    )
    for agency, key in platform.keys.items():
        print(f"  {agency:<16} {key}")
    print(f"Notices are JWS (EdDSA) signed with the agency's key: demo keys in {platform.var / 'agency-notice-keys'}")
    print(
        f"\nPrometheus /metrics needs 'Authorization: Bearer <METRICS_TOKEN>' (development default: {s.metrics_token})"
    )
    print(f"\nLogs: {platform.var / 'logs'}. Press Ctrl-C to stop.", flush=True)


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
        print_banner(platform)
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
