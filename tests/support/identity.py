"""Talking to the test session's Keycloak: tokens by each grant, sign-in as a browser, admin API.

Tokens come from the realm's own endpoints, so what the tests verify is what Keycloak
really issues. The admin helpers use the master realm's bootstrap admin.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
import secrets
import time
import urllib.parse

import requests

E2E_CLIENT = ("tongxin-e2e", "dev-only-tongxin-e2e-secret-change-me")
CONSOLE_CLIENT = ("tongxin-console", "dev-only-console-client-secret-change-me")
CONSOLE_REDIRECT = "http://127.0.0.1:8000/auth/callback"
PORTAL_REDIRECT = "http://127.0.0.1:8005/auth/callback"


def demo_password(username: str) -> str:
    return f"Tx-{username}-2026"


def password_grant(keycloak, username: str, password: str | None = None, client=E2E_CLIENT) -> requests.Response:
    """The development-only password grant of the e2e client (no browser, no TOTP step)."""
    client_id, secret = client
    return requests.post(
        keycloak.token_url,
        data={
            "grant_type": "password",
            "client_id": client_id,
            "client_secret": secret,
            "username": username,
            "password": password or demo_password(username),
        },
        timeout=30,
    )


def client_credentials(keycloak, client_id: str, secret: str, token_url: str | None = None) -> str:
    answer = requests.post(
        token_url or keycloak.token_url,
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        timeout=30,
    )
    answer.raise_for_status()
    return answer.json()["access_token"]


class BrowserSignIn:
    """The authorization code flow with PKCE, as a browser does it (forms and redirects)."""

    def __init__(self, keycloak, client_id: str, redirect_uri: str, secret: str | None = None):
        self.keycloak, self.client_id, self.redirect_uri, self.secret = keycloak, client_id, redirect_uri, secret
        self.session = requests.Session()
        self.verifier = secrets.token_urlsafe(48)

    def submit_password(self, username: str, password: str) -> requests.Response:
        """Open the sign-in page, post the credentials; the answer is not followed."""
        challenge = base64.urlsafe_b64encode(hashlib.sha256(self.verifier.encode()).digest()).rstrip(b"=").decode()
        page = self.session.get(
            f"{self.keycloak.issuer}/protocol/openid-connect/auth",
            params={
                "client_id": self.client_id,
                "response_type": "code",
                "scope": "openid",
                "redirect_uri": self.redirect_uri,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
                "state": secrets.token_urlsafe(8),
            },
            timeout=30,
        )
        page.raise_for_status()
        # Keycloak marks its cookies Secure; browsers send them to http://127.0.0.1, requests does not.
        for cookie in self.session.cookies:
            cookie.secure = False
        action = html.unescape(re.search(r'action="([^"]+)"', page.text).group(1))
        return self.session.post(action, data={"username": username, "password": password}, allow_redirects=False)

    def follow(self, answer: requests.Response) -> requests.Response:
        """GET the page a form post redirected to (a required action, the OTP form)."""
        for cookie in self.session.cookies:
            cookie.secure = False
        return self.session.get(answer.headers["Location"], allow_redirects=False, timeout=30)

    def post(self, page: requests.Response, fields: dict[str, str]) -> requests.Response:
        action, hidden = form(page)
        for cookie in self.session.cookies:
            cookie.secure = False
        return self.session.post(action, data={**hidden, **fields}, allow_redirects=False, timeout=30)

    def token(self, username: str, password: str) -> dict:
        """Sign in and exchange the code: the token response, or AssertionError saying where it stopped."""
        return self.exchange(self.submit_password(username, password))

    def exchange(self, answer: requests.Response) -> dict:
        """Exchange the code the answer redirects to the client with, using the PKCE verifier."""
        location = answer.headers.get("Location", "")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        assert location.startswith(self.redirect_uri) and "code" in query, f"sign-in stopped at {location or answer}"
        data = {
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": self.redirect_uri,
            "client_id": self.client_id,
            "code_verifier": self.verifier,
        }
        if self.secret:
            data["client_secret"] = self.secret
        exchanged = requests.post(self.keycloak.token_url, data=data, timeout=30)
        exchanged.raise_for_status()
        return exchanged.json()


class Admin:
    """Keycloak's admin REST API as the bootstrap admin."""

    def __init__(self, keycloak, realm: str = "tongxin"):
        self.base = f"{keycloak.url}/admin/realms"
        self.realm = realm
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {keycloak.admin_token()}"

    def url(self, path: str = "") -> str:
        return f"{self.base}/{self.realm}{path}"

    def create_realm(self, representation: dict) -> None:
        self.session.post(self.base, json=representation, timeout=120).raise_for_status()

    def create_user(self, username: str, unit: str, roles: list[str], password: str) -> requests.Response:
        answer = self.session.post(
            self.url("/users"),
            json={
                "username": username,
                "enabled": True,
                "firstName": username,
                "attributes": {"unit": [unit]},
                "credentials": [{"type": "password", "value": password, "temporary": False}],
            },
            timeout=30,
        )
        if answer.status_code == 201:
            user_id = answer.headers["Location"].rsplit("/", 1)[1]
            self.grant_roles(user_id, roles)
        return answer

    def grant_roles(self, user_id: str, roles: list[str]) -> None:
        reps = [self.session.get(self.url(f"/roles/{r}"), timeout=30).json() for r in roles]
        self.session.post(self.url(f"/users/{user_id}/role-mappings/realm"), json=reps, timeout=30).raise_for_status()

    def user(self, username: str) -> dict:
        found = self.session.get(self.url("/users"), params={"username": username, "exact": "true"}, timeout=30)
        return found.json()[0]

    def add_signing_key(self, name: str, priority: int) -> None:
        """A new RS256 realm key; the highest priority signs new tokens, the others still verify."""
        realm_id = self.session.get(self.url(), timeout=30).json()["id"]
        answer = self.session.post(
            self.url("/components"),
            json={
                "name": name,
                "providerId": "rsa-generated",
                "providerType": "org.keycloak.keys.KeyProvider",
                "parentId": realm_id,
                "config": {
                    "priority": [str(priority)],
                    "enabled": ["true"],
                    "active": ["true"],
                    "algorithm": ["RS256"],
                    "keySize": ["2048"],
                },
            },
            timeout=30,
        )
        answer.raise_for_status()


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 with the realm's policy (HMAC-SHA1, 6 digits, 30 s) over Keycloak's raw secret."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(secret.encode(), counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(int.from_bytes(digest[offset : offset + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"


def form(page: requests.Response) -> tuple[str, dict[str, str]]:
    """The first form of a Keycloak page: its action and its hidden inputs."""
    action = html.unescape(re.search(r'<form[^>]*action="([^"]+)"', page.text).group(1))
    hidden = dict(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page.text))
    return action, hidden
