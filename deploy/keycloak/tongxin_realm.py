"""The ``tongxin`` realm as this machine runs it: the production realm file (no accounts, no
secret) merged with the development-only one (demo staff accounts, the demo seeder and the
password-grant e2e client, with repository secrets), its demo users, and the realm's addresses
under a Keycloak's base URL. Standard library only."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
REALM_FILE = HERE / "tongxin-realm.json"
DEV_REALM_FILE = HERE / "tongxin-realm.dev.json"
#: The production realm's client secrets, for this machine only (``${VAR}`` in the realm file).
DEV_CLIENT_SECRETS = {
    "TONGXIN_CONSOLE_CLIENT_SECRET": "dev-only-console-client-secret-change-me",
    "TONGXIN_CONSOLE_STAFF_CLIENT_SECRET": "dev-only-console-staff-secret-change-me",
}
REALM = "tongxin"


def development_realm() -> dict:
    """The production realm with the development-only clients and accounts added."""
    realm = json.loads(REALM_FILE.read_text())
    dev = json.loads(DEV_REALM_FILE.read_text())
    realm["clients"] = realm["clients"] + dev["clients"]
    realm["users"] = realm.get("users", []) + dev["users"]
    return realm


def write_development_realm(folder: Path) -> Path:
    """The development realm as one import file in ``folder`` (Keycloak imports a realm once, from one file)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REALM_FILE.name
    path.write_text(json.dumps(development_realm(), ensure_ascii=False, indent=2))
    return path


def demo_users() -> list[dict]:
    """The development realm's demo users (not service accounts): user name, roles, unit, password, display name."""
    realm = json.loads(DEV_REALM_FILE.read_text())
    return [
        {
            "username": user["username"],
            "roles": user["realmRoles"],
            "unit": user["attributes"]["unit"][0],
            "password": user["credentials"][0]["value"],
            "name": f"{user['firstName']} {user.get('lastName', '')}".strip(),
        }
        for user in realm["users"]
        if user.get("credentials")
    ]


class RealmEndpoints:
    """The tongxin realm's addresses under a Keycloak's base ``url`` (local, container or operator's)."""

    url: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{REALM}"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/certs"

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/token"
