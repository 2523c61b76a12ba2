"""What the staff-administration tests share: a client signed in as a fresh account, the console's
forms, and a look at the account in Keycloak through its admin API."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.support.identity import Admin
from tests.support.keycloak_pages import console_sign_in

#: Account names are unique per run, so the suite can rerun against a long-lived Keycloak.
RUN = uuid.uuid4().hex[:6]
COUNTY, TOWN, OTHER_TOWN, COMMUNITY = "370783000000", "370783001000", "370783002000", "370783001001"


@pytest.fixture
def admin_api(oidc):
    return Admin(oidc)


@pytest.fixture
def signed_in(app, staff):
    """``signed_in("admin", unit=TOWN)``: a console client signed in as a fresh account (TOTP enrolled)."""

    def sign_in(*roles: str, unit: str = COUNTY):
        username, password = staff(*roles, unit=unit)
        client = app.test_client()
        assert console_sign_in(client, username, password).status_code == 302
        client.username = username
        return client

    return sign_in


def csrf(client, path: str = "/staff/new") -> str:
    page = client.get(path)
    assert page.status_code in (200, 403), page.status_code
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def create(client, username: str, unit: str, *roles: str):
    return client.post("/staff/new", data={"csrf_token": csrf(client), "username": username, "first_name": "测试",
                                           "unit": unit, "roles": list(roles)})  # fmt: skip


def kc_user(admin_api, username: str) -> dict | None:
    found = admin_api.session.get(admin_api.url("/users"), params={"username": username, "exact": "true"}).json()
    return found[0] if found else None


def kc_roles(admin_api, user_id: str) -> set[str]:
    return {r["name"] for r in admin_api.session.get(admin_api.url(f"/users/{user_id}/role-mappings/realm")).json()}


def kc_credentials(admin_api, user_id: str) -> list:
    """The user's credentials as Keycloak has them (ids and creation times, no secrets)."""
    found = admin_api.session.get(admin_api.url(f"/users/{user_id}/credentials")).json()
    return [(c["id"], c["createdDate"]) for c in found]


def in_group(admin_api, user_id: str, realm_roles=(), client_roles=(), subgroup: bool = False) -> None:
    """Put the user in a fresh group holding these realm roles and (client, role) pairs (or in a
    child group of it)."""
    name = f"t-group-{uuid.uuid4().hex[:8]}"
    admin_api.session.post(admin_api.url("/groups"), json={"name": name}).raise_for_status()
    (group,) = [g for g in admin_api.session.get(admin_api.url("/groups"), params={"search": name}).json()
                if g["name"] == name]  # fmt: skip
    if realm_roles:
        reps = [admin_api.session.get(admin_api.url(f"/roles/{r}")).json() for r in realm_roles]
        mapped = admin_api.session.post(admin_api.url(f"/groups/{group['id']}/role-mappings/realm"), json=reps)
        mapped.raise_for_status()
    for client_id, role in client_roles:
        (client,) = admin_api.session.get(admin_api.url("/clients"), params={"clientId": client_id}).json()
        rep = admin_api.session.get(admin_api.url(f"/clients/{client['id']}/roles/{role}")).json()
        admin_api.session.post(
            admin_api.url(f"/groups/{group['id']}/role-mappings/clients/{client['id']}"), json=[rep]
        ).raise_for_status()
    if subgroup:  # the user joins a child group that holds nothing: the roles come from its parent
        added = admin_api.session.post(admin_api.url(f"/groups/{group['id']}/children"), json={"name": f"{name}-c"})
        added.raise_for_status()
        group = added.json() if added.content else {"id": added.headers["Location"].rsplit("/", 1)[1]}
    admin_api.session.put(admin_api.url(f"/users/{user_id}/groups/{group['id']}")).raise_for_status()


def realm_admin_holder(admin_api, user_id: str) -> None:
    (management,) = admin_api.session.get(admin_api.url("/clients"), params={"clientId": "realm-management"}).json()
    rep = admin_api.session.get(admin_api.url(f"/clients/{management['id']}/roles/realm-admin")).json()
    admin_api.session.post(
        admin_api.url(f"/users/{user_id}/role-mappings/clients/{management['id']}"), json=[rep]
    ).raise_for_status()


def refused_everything(admin, admin_api, user_id: str, unit: str, expect: str) -> None:
    """Every change on the account answers 403 saying ``expect``, and Keycloak keeps it as it was."""
    before = admin_api.session.get(admin_api.url(f"/users/{user_id}")).json()
    credentials = kc_credentials(admin_api, user_id)
    token = csrf(admin)
    for path, data in [
        (f"/staff/{user_id}/password", {}),
        (f"/staff/{user_id}/enabled", {"enabled": "false"}),
        (f"/staff/{user_id}", {"unit": unit, "roles": ["viewer"]}),
    ]:
        r = admin.post(path, data={"csrf_token": token, **data})
        assert r.status_code == 403, (path, r.status_code)
        assert expect in r.get_data(as_text=True)
    after = kc_user(admin_api, before["username"])
    assert after["enabled"] and after.get("requiredActions", []) == before.get("requiredActions", [])
    assert kc_credentials(admin_api, user_id) == credentials


def audit_rows(client) -> list[str]:
    html = client.get("/staff/audit").get_data(as_text=True)
    return re.findall(r"<tr><td>.*?</tr>", html, re.S)
