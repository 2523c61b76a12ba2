"""The tests' Keycloak with the tongxin realm: ``TEST_KEYCLOAK_URL``, a testcontainers container if
a Docker engine answers, or the Maven-fetched Keycloak from ``deploy/keycloak``."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from keycloak_dist import KEYCLOAK_IMAGE
from local_keycloak import LocalKeycloak
from tongxin_realm import DEV_CLIENT_SECRETS, RealmEndpoints, write_development_realm

from tests.support.infra import docker_available, say, wait_for  # puts deploy/keycloak on the path


class KeycloakSource(RealmEndpoints):
    """A Keycloak with the tongxin realm imported, for the session, and its bootstrap admin."""

    def __init__(self):
        self.url = ""
        self.kind = ""
        self.admin: dict[str, str] = {}
        self._stop = lambda: None

    def start(self, tmp: Path) -> KeycloakSource:
        if env := os.environ.get("TEST_KEYCLOAK_URL"):
            # An operator's Keycloak with the realm imported; TEST_KEYCLOAK_ADMIN is "user:password".
            user, _, password = os.environ.get("TEST_KEYCLOAK_ADMIN", "admin:").partition(":")
            self.url, self.admin = env.rstrip("/"), {"username": user, "password": password}
            self.kind = f"TEST_KEYCLOAK_URL={env}"
        elif docker_available():
            self._start_container(tmp)
        else:
            keycloak = LocalKeycloak(tmp / "keycloak").start()
            self.url, self.admin, self._stop = keycloak.url, keycloak.bootstrap_admin(), keycloak.stop
            self.kind = f"local Keycloak (deploy/keycloak), started in {keycloak.startup_seconds:.1f}s"
        suffix = " (no Docker engine here, so no testcontainers)" if "local" in self.kind else ""
        say(f"Keycloak: {self.kind} at {self.url}{suffix}")
        return self

    def _start_container(self, tmp: Path) -> None:
        from testcontainers.core.container import DockerContainer

        self.admin = {"username": "admin", "password": uuid.uuid4().hex}
        realm = write_development_realm(tmp / "keycloak-import")  # the demo accounts and e2e client: tests only
        container = (
            DockerContainer(KEYCLOAK_IMAGE)
            .with_env("KC_BOOTSTRAP_ADMIN_USERNAME", self.admin["username"])
            .with_env("KC_BOOTSTRAP_ADMIN_PASSWORD", self.admin["password"])
            .with_env("TONGXIN_CONSOLE_CLIENT_SECRET", DEV_CLIENT_SECRETS["TONGXIN_CONSOLE_CLIENT_SECRET"])
            .with_volume_mapping(str(realm), f"/opt/keycloak/data/import/{realm.name}", "ro")
            .with_exposed_ports(8080)
            .with_command("start-dev --import-realm")
        )
        container.start()
        self.url = f"http://{container.get_container_host_ip()}:{container.get_exposed_port(8080)}"
        self.kind, self._stop = f"testcontainers {KEYCLOAK_IMAGE}", container.stop
        wait_for(lambda: _answers(f"{self.issuer}/.well-known/openid-configuration"), 180, 1, "Keycloak to be ready")

    def admin_token(self) -> str:
        """An access token of the master realm's admin, for Keycloak's admin API."""
        import requests

        answer = requests.post(
            f"{self.url}/realms/master/protocol/openid-connect/token",
            data={"grant_type": "password", "client_id": "admin-cli", **self.admin},
            timeout=10,
        )
        answer.raise_for_status()
        return answer.json()["access_token"]

    def stop(self) -> None:
        self._stop()


def _answers(url: str) -> bool:
    import requests

    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False
