"""Tokens a service must refuse, made the way an attacker or a misconfiguration would make them.

Against a real Keycloak (``keycloak``: a session ``KeycloakSource``, with ``url``, ``issuer``,
``token_url`` and ``admin_token()``): a token of another realm with the very same clients, roles,
audience and unit claim; the member portal's tokens (another client, no staff audience); a token
of a throwaway client whose tokens live one second; a token signed by a key the realm never
published. Without one: an HS256 token over any claims with any key, including the realm's own
public key (the algorithm-confusion forgery). Used by libs/chassis/tests/integration/test_oidc_keycloak.py
(the verifier alone) and tests/identity/test_refused_by_every_service.py (the running services).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import uuid

import requests
from tongxin_realm import REALM_FILE, development_realm

from chassis.testing_tokens import ThrowawayIssuer
from tests.support.identity import E2E_CLIENT, PORTAL_REDIRECT, Admin, BrowserSignIn, demo_password

COUNTY = "370783000000"


def hs256(claims: dict, key: bytes, kid: str) -> str:
    """An HS256 token, built by hand: PyJWT itself refuses to HMAC with a key that looks like a public key."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = {"alg": "HS256", "typ": "JWT", "kid": kid}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())}"


def jwks(keycloak, realm: str = "tongxin") -> dict:
    return requests.get(f"{keycloak.url}/realms/{realm}/protocol/openid-connect/certs", timeout=30).json()


def published_key(keycloak, kid: str) -> bytes:
    """The realm's public key ``kid`` as published in its JWKS: an HMAC key an attacker can read."""
    (key,) = [k for k in jwks(keycloak)["keys"] if k["kid"] == kid]
    return json.dumps(key).encode()


def another_realm(keycloak) -> str:
    """The development realm file imported again under another name: the same clients, roles,
    audience and unit mapper, one demo account (county-editor); its own keys and issuer."""
    realm = development_realm()
    realm["realm"] = f"elsewhere-{uuid.uuid4().hex[:6]}"
    realm["users"] = [u for u in realm["users"] if u["username"] == "county-editor"]
    e2e = next(c for c in realm["clients"] if c["clientId"] == E2E_CLIENT[0])
    e2e["secret"] = E2E_CLIENT[1]
    Admin(keycloak).create_realm(realm)
    return realm["realm"]


def token_of_another_realm(keycloak, realm: str) -> str:
    """county-editor's access token from ``realm`` (see ``another_realm``)."""
    answer = requests.post(
        f"{keycloak.url}/realms/{realm}/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": E2E_CLIENT[0],
            "client_secret": E2E_CLIENT[1],
            "username": "county-editor",
            "password": demo_password("county-editor"),
        },
        timeout=30,
    )
    answer.raise_for_status()
    return answer.json()["access_token"]


def portal_tokens(keycloak, username: str = "community-viewer") -> dict:
    """The member portal's token response (authorization code + PKCE): its access token names no
    staff audience, its ID token names the portal."""
    return BrowserSignIn(keycloak, "tongxin-portal", PORTAL_REDIRECT).token(username, demo_password(username))


def short_lived_client(keycloak, lifespan_s: int = 1, roles=("viewer",), unit: str = COUNTY) -> tuple[str, str]:
    """A throwaway confidential client of the realm whose tokens live ``lifespan_s`` seconds, with the
    staff clients' mappers (audience, unit) and a service account holding ``roles`` at ``unit``.
    Returns (client id, secret) for the client credentials grant."""
    admin = Admin(keycloak)
    client_id, secret = f"short-{uuid.uuid4().hex[:6]}", uuid.uuid4().hex
    client = {
        "clientId": client_id,
        "secret": secret,
        "publicClient": False,
        "serviceAccountsEnabled": True,
        "standardFlowEnabled": False,
        "attributes": {"access.token.lifespan": str(lifespan_s)},
        "protocolMappers": copy.deepcopy(_staff_mappers()),
    }
    admin.session.post(admin.url("/clients"), json=client, timeout=30).raise_for_status()
    internal = admin.session.get(admin.url("/clients"), params={"clientId": client_id}, timeout=30).json()[0]["id"]
    account = admin.session.get(admin.url(f"/clients/{internal}/service-account-user"), timeout=30).json()
    account["attributes"] = {"unit": [unit]}
    admin.session.put(admin.url(f"/users/{account['id']}"), json=account, timeout=30).raise_for_status()
    admin.grant_roles(account["id"], list(roles))
    return client_id, secret


def _staff_mappers() -> list[dict]:
    console = next(c for c in json.loads(REALM_FILE.read_text())["clients"] if c["clientId"] == "tongxin-console")
    return console["protocolMappers"]


def outsider(keycloak) -> ThrowawayIssuer:
    """Signs tokens naming the realm as issuer and our audience, with a key the realm never published
    (set its ``kid`` to a real one to forge a token whose key id matches but whose signature does not)."""
    return ThrowawayIssuer(keycloak.issuer, "tongxin-api")
