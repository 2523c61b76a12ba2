"""Going through Keycloak's own sign-in pages as a browser would, without a browser: the
password form, TOTP enrolment (administrators) and the one-time code form. Used to sign in
to the console with Flask's test client; the browser tests use chromium for the same.

TOTP codes are computed here (RFC 6238, the realm's SHA-1, 6 digits, 30 s). Keycloak
refuses a code used before, so a second sign-in in the same 30 s waits for the next step.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import re
import struct
import time
import urllib.parse

import requests

#: TOTP secrets of the accounts enrolled in this test session, by user name.
SECRETS: dict[str, str] = {}
_LAST_STEP: dict[str, int] = {}


def totp(secret: str, step: int) -> str:
    digest = hmac.new(secret.encode(), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def next_code(username: str) -> str:
    """The current step's code, unless it was used already: then wait for the next step."""
    while True:
        now = int(time.time()) // 30
        if now > _LAST_STEP.get(username, -1):
            _LAST_STEP[username] = now
            return totp(SECRETS[username], now)
        time.sleep(1)


def allow_redirects(keycloak, client_id: str, *origins: str) -> None:
    """Let the client send sign-ins back to these origins' ``/auth/callback`` and sign-outs to their
    ``/login`` too (the tests' consoles run on free ports); exact URLs, as in the realm."""
    from tests.support.identity import Admin

    admin = Admin(keycloak)
    client = admin.session.get(admin.url("/clients"), params={"clientId": client_id}, timeout=30).json()[0]
    bases = [o.rstrip("/") for o in origins]
    wanted = sorted(set(client["redirectUris"]) | {f"{b}/auth/callback" for b in bases})
    attributes = client.setdefault("attributes", {})
    logout = [u for u in attributes.get("post.logout.redirect.uris", "").split("##") if u and u != "+"]
    wanted_logout = "##".join(sorted(set(logout) | {f"{b}/login" for b in bases}))
    if wanted != sorted(client["redirectUris"]) or wanted_logout != attributes.get("post.logout.redirect.uris"):
        client["redirectUris"], attributes["post.logout.redirect.uris"] = wanted, wanted_logout
        admin.session.put(admin.url(f"/clients/{client['id']}"), json=client, timeout=30).raise_for_status()


class KeycloakPages:
    """A cookie jar that answers Keycloak's forms until it is sent back to ``redirect_prefix``."""

    def __init__(self, redirect_prefix: str):
        self.redirect_prefix = redirect_prefix
        self.http = requests.Session()
        self.last_page = ""

    def _request(self, method: str, url: str, **kw) -> requests.Response:
        answer = self.http.request(method, url, allow_redirects=False, timeout=30, **kw)
        for cookie in self.http.cookies:  # Keycloak marks them Secure; a browser sends them to 127.0.0.1
            cookie.secure = False
        return answer

    def sign_in(self, authorize_url: str, username: str, password: str) -> str:
        """The URL Keycloak sends the browser back to (with code and state); AssertionError if it does not."""
        url, method, data = authorize_url, "GET", None
        for _ in range(12):  # a sign-in takes 3 to 5 pages; a one-time code refused at a step's edge costs one more
            answer = self._request(method, url, data=data)
            if answer.is_redirect:
                url = urllib.parse.urljoin(url, answer.headers["Location"])
                if url.startswith(self.redirect_prefix):
                    return url
                method, data = "GET", None
                continue
            page = self.last_page = answer.text
            action = re.search(r'<form[^>]*action="([^"]+)"', page)
            assert action, f"Keycloak page without a form ({answer.status_code}): {page[:500]}"
            url, method = html.unescape(action.group(1)), "POST"
            if 'name="totpSecret"' in page:  # CONFIGURE_TOTP: enrol and answer with the first code
                secret = html.unescape(re.search(r'name="totpSecret"[^>]*value="([^"]*)"', page).group(1))
                SECRETS[username] = secret
                _LAST_STEP.pop(username, None)
                data = {"totpSecret": secret, "totp": next_code(username), "userLabel": "tests"}
            elif 'name="otp"' in page:
                data = {"otp": next_code(username)}
            elif 'name="password-new"' in page:
                raise AssertionError("Keycloak asks for a new password (a temporary one was set)")
            elif 'name="password"' in page:
                if data is not None and "password" in data:
                    raise AssertionError(f"Keycloak refused the password for {username}")
                data = {"username": username, "password": password}
            else:
                raise AssertionError(f"unexpected Keycloak page: {page[:500]}")
        raise AssertionError(f"too many Keycloak pages for {username}; the last one said: {self._feedback()}")

    def _feedback(self) -> str:
        """What Keycloak's last page told the user (a refused code, an expired form ...)."""
        found = re.search(r'kc-feedback-text">([^<]*)<|alert-error[^"]*"[^>]*>\s*([^<]*)<', self.last_page)
        said = next((g.strip() for g in found.groups() if g), "") if found else ""
        return said or repr(self.last_page[:300])


def console_sign_in(client, username: str, password: str, next_path: str | None = None):
    """Sign in to the console app under Flask's test client through Keycloak; the final answer."""
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    query = {"next": next_path} if next_path is not None else {}
    started = client.post("/login", query_string=query, data={"csrf_token": csrf})
    assert started.status_code == 302, started.get_data(as_text=True)[:300]
    authorize = started.headers["Location"]
    callback = urllib.parse.parse_qs(urllib.parse.urlsplit(authorize).query)["redirect_uri"][0]
    back = KeycloakPages(callback).sign_in(authorize, username, password)
    parts = urllib.parse.urlsplit(back)
    return client.get(parts.path, query_string=parts.query)
