"""Staff accounts in Keycloak, through its Admin REST API as the console's service account.

The service account (client ``tongxin-console-staff``) holds only realm-management's
``manage-users`` and ``view-users``: it can read and change users and their realm role
mappings, nothing about clients, keys or the realm. It can change *any* user, so the
console decides who may touch which account (``staff_scope``) before every call here.
Keycloak's answers are turned into ``ApiError`` with a message a person can read.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import requests

from console.api import ApiError

TIMEOUT = 15


class KeycloakAdmin:
    def __init__(self, issuer: str, client_id: str, client_secret: str):
        base, _, realm = issuer.rstrip("/").rpartition("/realms/")
        self.token_url = f"{issuer.rstrip('/')}/protocol/openid-connect/token"
        self.base = f"{base}/admin/realms/{realm}"
        self.client = (client_id, client_secret)
        self._token, self._expires_at = "", 0.0
        self._lock = threading.Lock()

    # --- reading ---------------------------------------------------------------------------

    def users(self, search: str = "", batch: int = 200):
        """The users (matching ``search``), one batch at a time, as Keycloak pages them: the
        caller filters by subtree (Keycloak's attribute search matches whole values only, a
        subtree is a prefix) and stops reading as soon as it has the page it shows."""
        first = 0
        while True:
            params = {"first": first, "max": batch, "briefRepresentation": "false"}
            if search:
                params["search"] = search
            page = self._call("GET", "/users", params=params).json()
            yield from page
            if len(page) < batch:
                return
            first += batch

    def user(self, user_id: str) -> dict | None:
        answer = self._call("GET", f"/users/{user_id}", missing_ok=True)
        return None if answer is None else answer.json()

    def realm_roles(self, user_id: str) -> set[str]:
        """The user's EFFECTIVE realm roles: mapped directly, through groups, and contained in
        composite roles. What a token carries, so what the console decides on."""
        return {r["name"] for r in self._call("GET", f"/users/{user_id}/role-mappings/realm/composite").json()}

    def direct_realm_roles(self, user_id: str) -> set[str]:
        """The realm roles mapped to the user directly: the only ones the console changes."""
        return {r["name"] for r in self._call("GET", f"/users/{user_id}/role-mappings/realm").json()}

    def client_roles(self, user_id: str) -> set[str]:
        """Client roles (``client/role``) mapped to the user directly or to any of their groups
        and the groups' ancestors. The service account cannot list clients, so it reads the
        mappings rather than each client's effective roles; the roles the realm's composite
        realm roles contain are the realm's business, judged by their realm role names."""
        direct = self._call("GET", f"/users/{user_id}/role-mappings").json().get("clientMappings") or {}
        found = {f"{client}/{role['name']}" for client, held in direct.items() for role in held.get("mappings", [])}
        groups = self._call("GET", f"/users/{user_id}/groups").json()
        seen: set[str] = set()
        while groups:
            group = groups.pop()
            if group["id"] in seen:
                continue
            seen.add(group["id"])
            full = self._call("GET", f"/groups/{group['id']}").json()
            found |= {f"{client}/{role}" for client, roles in (full.get("clientRoles") or {}).items() for role in roles}
            if full.get("parentId"):
                groups.append({"id": full["parentId"]})
        return found

    # --- changing --------------------------------------------------------------------------

    def create(self, username: str, first_name: str, last_name: str, unit: str, password: str) -> str:
        body = {
            "username": username,
            "enabled": True,
            "firstName": first_name,
            "lastName": last_name,
            "attributes": {"unit": [unit]},
            "credentials": [{"type": "password", "value": password, "temporary": True}],
            "requiredActions": ["UPDATE_PASSWORD"],
        }
        answer = self._call("POST", "/users", json=body)
        return answer.headers["Location"].rsplit("/", 1)[1]

    def update(self, user: dict, **changes: Any) -> None:
        """PUT the user's representation with ``changes`` (Keycloak replaces what is sent)."""
        body = {k: user[k] for k in ("username", "firstName", "lastName", "email", "enabled") if k in user}
        body["attributes"] = dict(user.get("attributes") or {})
        if "unit" in changes:
            body["attributes"]["unit"] = [changes.pop("unit")]
        body.update(changes)
        self._call("PUT", f"/users/{user['id']}", json=body)

    def set_roles(self, user_id: str, wanted: set[str], manageable: set[str]) -> None:
        """Make the user's direct realm roles among ``manageable`` exactly ``wanted``."""
        current = {r["name"]: r for r in self._call("GET", f"/users/{user_id}/role-mappings/realm").json()}
        remove = [r for name, r in current.items() if name in manageable and name not in wanted]
        if remove:
            self._call("DELETE", f"/users/{user_id}/role-mappings/realm", json=remove)
        missing = wanted - set(current)
        if missing:
            available = self._call("GET", f"/users/{user_id}/role-mappings/realm/available").json()
            add = [r for r in available if r["name"] in missing]
            if len(add) != len(missing):
                raise ApiError(422, "角色不存在", "No such role", "roles")
            self._call("POST", f"/users/{user_id}/role-mappings/realm", json=add)

    def reset_password(self, user_id: str, password: str) -> None:
        """A temporary password: the user must choose a new one at the next sign-in."""
        self._call(
            "PUT", f"/users/{user_id}/reset-password", json={"type": "password", "value": password, "temporary": True}
        )

    def end_sessions(self, user_id: str) -> None:
        self._call("POST", f"/users/{user_id}/logout")

    # --- plumbing --------------------------------------------------------------------------

    def _access_token(self) -> str:
        with self._lock:
            if time.monotonic() < self._expires_at:
                return self._token
            try:
                answer = requests.post(
                    self.token_url,
                    data={
                        "grant_type": "client_credentials",
                        "client_id": self.client[0],
                        "client_secret": self.client[1],
                    },
                    timeout=TIMEOUT,
                )
            except requests.RequestException:
                raise _unreachable() from None
            if answer.status_code != 200:
                raise ApiError(503, "账号管理服务未获授权", "The console's staff-admin client was refused")
            body = answer.json()
            self._token, self._expires_at = body["access_token"], time.monotonic() + int(body["expires_in"]) - 30
            return self._token

    def _call(self, method: str, path: str, missing_ok: bool = False, **kw) -> requests.Response | None:
        headers = {"Authorization": f"Bearer {self._access_token()}"}
        try:
            answer = requests.request(method, self.base + path, headers=headers, timeout=TIMEOUT, **kw)
        except requests.RequestException:
            raise _unreachable() from None
        if answer.status_code == 404 and missing_ok:
            return None
        if answer.status_code >= 400:
            raise _refusal(answer)
        return answer


def _unreachable() -> ApiError:
    return ApiError(503, "身份认证服务暂时无法连接，请稍后重试", "The identity provider cannot be reached; try again")


def _refusal(answer: requests.Response) -> ApiError:
    try:
        body = answer.json()
    except ValueError:
        body = {}
    message = (
        (body.get("errorMessage") or body.get("error_description") or body.get("error") or "")
        if isinstance(body, dict)
        else ""
    )
    if answer.status_code == 409:  # taken, in the admin's subtree or anywhere else: not said where
        return ApiError(409, "用户名不可用", "The user name is not available", "username")
    if answer.status_code == 400:
        field = body.get("field") if isinstance(body, dict) else None
        return ApiError(
            422, f"身份认证服务拒绝了输入：{message}", f"The identity provider refused it: {message}", field
        )
    return ApiError(502, "身份认证服务出错", f"The identity provider answered {answer.status_code}")
