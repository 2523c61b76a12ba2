"""The demo's credentials for ``Platform`` (a mix-in): the agencies' API keys and notice-signing
keys, the demo seeder's and demo staff accounts' access tokens from the platform's Keycloak, and
the first run's demo data seeded with them (``demo_data``)."""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from local_keycloak import LocalKeycloak
from platform_services import AGENCIES, BIN, ROOT, SERVICES, Service
from tongxin_realm import demo_users


class DemoCredentials:
    """Needs the platform's ``var`` folder, its ``keycloak``, ``url`` and ``env``; ``start`` sets
    ``keys`` and ``notice_keys``."""

    var: Path
    keycloak: LocalKeycloak | None
    keys: dict[str, str]
    notice_keys: dict[str, Path]

    def url(self, service: Service, path: str = "") -> str:
        raise NotImplementedError

    def env(self, service: Service) -> dict:
        raise NotImplementedError

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

        def issue(agency: str) -> str:
            done = subprocess.run(
                [str(BIN / gateway.admin), "issue-key", agency], env=self.env(gateway), check=True, capture_output=True
            )
            return done.stdout.decode().strip()

        with concurrent.futures.ThreadPoolExecutor(len(AGENCIES)) as pool:  # one operator command each
            keys = dict(zip(AGENCIES, pool.map(issue, AGENCIES), strict=True))
        path.write_text(json.dumps(keys, indent=2))
        path.chmod(0o600)
        return keys

    def notice_signing_keys(self) -> dict[str, Path]:
        """Each agency's demo notice-signing key (private PEM in var/agency-notice-keys/, the agency's
        side), its public half registered with the gateway on the first run."""
        from sharing_gateway import notice_sender

        gateway = next(s for s in SERVICES if s.name == "sharing-gateway")
        folder = self.var / "agency-notice-keys"

        def provide(agency: str) -> Path:
            private = folder / f"{agency}.pem"
            if not private.exists():
                private, public = notice_sender.write_pair(folder, agency)
                subprocess.run(
                    [str(BIN / gateway.admin), "register-notice-key", agency, str(public)],
                    env=self.env(gateway), check=True, capture_output=True,
                )  # fmt: skip
            return private

        with concurrent.futures.ThreadPoolExecutor(len(AGENCIES)) as pool:  # one operator command each
            return dict(zip(AGENCIES, pool.map(provide, AGENCIES), strict=True))
