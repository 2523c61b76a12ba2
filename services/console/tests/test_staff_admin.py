"""Staff administration in the console against the real Keycloak: a unit administrator creates,
changes, disables and resets accounts only within their own subtree, and only plain staff
accounts (decided on effective roles, groups and client roles included); the guarded roles
and their holders only from a strictly higher unit; every change (intent and outcome) and
every refusal is in the audit log; nothing outside the subtree is changed or even shown."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.support.identity import Admin
from tests.support.keycloak_pages import console_sign_in

pytestmark = pytest.mark.keycloak

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


def test_a_town_admin_creates_an_account_in_a_community_of_the_town(signed_in, admin_api, app):
    town_admin = signed_in("admin", unit=TOWN)
    form = town_admin.get("/staff/new")
    assert form.status_code == 200 and 'name="username"' in form.get_data(as_text=True)
    assert 'value="gateway_admin"' not in form.get_data(as_text=True)  # not offered to a town admin
    r = create(town_admin, f"t-clerk-dongguan-{RUN}", COMMUNITY, "editor", "viewer")
    assert r.status_code == 201
    password = re.search(r'id="temporary-password">([^<]+)<', r.get_data(as_text=True)).group(1)
    assert len(password) >= 12
    user = kc_user(admin_api, f"t-clerk-dongguan-{RUN}")
    assert user["attributes"]["unit"] == [COMMUNITY] and user["enabled"]
    assert user["requiredActions"] == ["UPDATE_PASSWORD"]
    assert {"editor", "viewer"} <= kc_roles(admin_api, user["id"])
    log = town_admin.get("/staff/audit").get_data(as_text=True)
    assert f"t-clerk-dongguan-{RUN}" in log and "create" in log and password not in log


@pytest.mark.parametrize("unit", [OTHER_TOWN, COUNTY, "370784001000"])
def test_a_town_admin_cannot_create_an_account_for_another_town_or_the_county(signed_in, admin_api, unit):
    town_admin = signed_in("admin", unit=TOWN)
    username = f"t-outside-{unit}-{RUN}"
    r = create(town_admin, username, unit, "viewer")
    assert r.status_code == 403
    page = r.get_data(as_text=True)
    assert "管辖范围以外" in page and "outside your unit" in page
    assert kc_user(admin_api, username) is None
    assert "refused" in town_admin.get("/staff/audit").get_data(as_text=True)


def test_roles_an_admin_cannot_grant_are_refused(signed_in, admin_api):
    town_admin = signed_in("admin", unit=TOWN)
    r = create(town_admin, f"t-would-be-gateway-{RUN}", TOWN, "gateway_admin")
    assert r.status_code == 403 and "gateway_admin" in r.get_data(as_text=True)
    assert kc_user(admin_api, f"t-would-be-gateway-{RUN}") is None
    r = create(town_admin, f"t-unknown-role-{RUN}", TOWN, "realm-admin")
    assert r.status_code == 422 and "Unknown roles" in r.get_data(as_text=True)
    for bad in ("Bad Name!", f"service-account-{RUN}"):
        r = create(town_admin, bad, TOWN, "viewer")
        assert r.status_code == 422 and "User name" in r.get_data(as_text=True)
    assert kc_user(admin_api, f"t-unknown-role-{RUN}") is None


def test_a_county_admin_may_create_a_town_admin_and_a_gateway_admin(signed_in, admin_api):
    county_admin = signed_in("admin", unit=COUNTY)
    assert create(county_admin, f"t-new-town-admin-{RUN}", OTHER_TOWN, "admin").status_code == 201
    assert "admin" in kc_roles(admin_api, kc_user(admin_api, f"t-new-town-admin-{RUN}")["id"])
    assert create(county_admin, f"t-new-gateway-admin-{RUN}", TOWN, "gateway_admin").status_code == 201
    assert create(county_admin, f"t-new-reviewer-{RUN}", TOWN, "reviewer").status_code == 201


def test_accounts_outside_the_subtree_are_neither_listed_nor_editable(signed_in, admin_api):
    town_admin = signed_in("admin", unit=TOWN)
    listing = town_admin.get("/staff?q=county-").get_data(as_text=True)
    assert "county-admin" not in listing and "county-viewer" not in listing
    assert "community-viewer" in town_admin.get("/staff?q=community-").get_data(as_text=True)
    county_admin = kc_user(admin_api, "county-admin")
    assert town_admin.get(f"/staff/{county_admin['id']}").status_code == 404
    token = csrf(town_admin)
    for path, data in [
        (f"/staff/{county_admin['id']}", {"unit": TOWN, "roles": ["viewer"]}),
        (f"/staff/{county_admin['id']}/enabled", {"enabled": "false"}),
        (f"/staff/{county_admin['id']}/password", {}),
    ]:
        assert town_admin.post(path, data={"csrf_token": token, **data}).status_code == 404
    after = kc_user(admin_api, "county-admin")
    assert after["enabled"] and after["attributes"]["unit"] == [COUNTY]
    assert kc_roles(admin_api, after["id"]) >= {"admin"}


def test_a_town_admin_cannot_move_an_account_out_of_the_town_nor_change_their_own(signed_in, admin_api, staff):
    town_admin = signed_in("admin", unit=TOWN)
    clerk, _ = staff("viewer", unit=COMMUNITY)
    clerk_id = kc_user(admin_api, clerk)["id"]
    token = csrf(town_admin)
    r = town_admin.post(f"/staff/{clerk_id}", data={"csrf_token": token, "unit": COUNTY, "roles": ["viewer"]})
    assert r.status_code == 403
    assert kc_user(admin_api, clerk)["attributes"]["unit"] == [COMMUNITY]
    own_id = kc_user(admin_api, town_admin.username)["id"]
    r = town_admin.post(
        f"/staff/{own_id}", data={"csrf_token": token, "unit": TOWN, "roles": ["admin", "gateway_admin"]}
    )
    assert r.status_code == 403
    assert "gateway_admin" not in kc_roles(admin_api, own_id)
    r = town_admin.post(f"/staff/{clerk_id}", data={"csrf_token": token, "unit": TOWN, "roles": ["editor"]})
    assert r.status_code == 302
    assert kc_user(admin_api, clerk)["attributes"]["unit"] == [TOWN]
    assert "editor" in kc_roles(admin_api, clerk_id) and "viewer" not in kc_roles(admin_api, clerk_id)


def test_disable_and_reset_take_effect_in_keycloak(signed_in, admin_api, staff, app):
    town_admin = signed_in("admin", unit=TOWN)
    clerk, password = staff("viewer", unit=COMMUNITY)
    clerk_id = kc_user(admin_api, clerk)["id"]
    page = town_admin.get(f"/staff/{clerk_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="viewer" checked' in html and f'value="{COMMUNITY}"' in html and 'id="reset-password"' in html
    listing = town_admin.get("/staff", query_string={"q": clerk}).get_data(as_text=True)
    assert clerk in listing and "viewer" in listing
    token = csrf(town_admin)
    assert (
        town_admin.post(f"/staff/{clerk_id}/enabled", data={"csrf_token": token, "enabled": "false"}).status_code == 302
    )
    assert kc_user(admin_api, clerk)["enabled"] is False
    with pytest.raises(AssertionError):
        console_sign_in(app.test_client(), clerk, password)
    assert (
        town_admin.post(f"/staff/{clerk_id}/enabled", data={"csrf_token": token, "enabled": "true"}).status_code == 302
    )
    r = town_admin.post(f"/staff/{clerk_id}/password", data={"csrf_token": token})
    assert r.status_code == 200
    temporary = re.search(r'id="temporary-password">([^<]+)<', r.get_data(as_text=True)).group(1)
    with pytest.raises(AssertionError, match="new password"):  # signs in only to choose a new password
        console_sign_in(app.test_client(), clerk, temporary)
    log = town_admin.get("/staff/audit").get_data(as_text=True)
    for action in ("disable", "enable", "reset-password"):
        assert action in log
    assert temporary not in log


def test_staff_pages_are_for_admins_only(signed_in):
    editor = signed_in("editor", unit=TOWN)
    for path in ("/staff", "/staff/new", "/staff/audit"):
        assert editor.get(path).status_code == 403
    assert create(editor, f"t-by-editor-{RUN}", TOWN, "viewer").status_code == 403


def test_the_audit_log_shows_each_admin_only_their_subtree(signed_in):
    county_admin = signed_in("admin", unit=COUNTY)
    town_admin = signed_in("admin", unit=TOWN)
    assert create(county_admin, f"t-county-level-clerk-{RUN}", COUNTY, "viewer").status_code == 201
    assert create(town_admin, f"t-town-level-clerk-{RUN}", TOWN, "viewer").status_code == 201
    county_log = county_admin.get("/staff/audit").get_data(as_text=True)
    town_log = town_admin.get("/staff/audit").get_data(as_text=True)
    assert f"t-county-level-clerk-{RUN}" in county_log and f"t-town-level-clerk-{RUN}" in county_log
    assert f"t-town-level-clerk-{RUN}" in town_log and f"t-county-level-clerk-{RUN}" not in town_log


def test_an_account_id_that_is_not_a_keycloak_id_is_not_found(signed_in):
    county_admin = signed_in("admin", unit=COUNTY)
    token = csrf(county_admin)
    for bad in ("..", "x", "00000000-0000-0000-0000-00000000000g"):
        assert county_admin.get(f"/staff/{bad}").status_code == 404
        assert (
            county_admin.post(f"/staff/{bad}/enabled", data={"csrf_token": token, "enabled": "false"}).status_code
            == 404
        )


# --- effective roles: groups, composites, client roles, service accounts (H1) ----------------


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


def test_a_role_held_through_a_group_counts(signed_in, admin_api, staff):
    """A town account that is gateway_admin through a group is beyond a town admin; a staff role a
    county admin could grant, held through a group, is the realm administrator's to change."""
    town_admin, county_admin = signed_in("admin", unit=TOWN), signed_in("admin", unit=COUNTY)
    clerk, _ = staff("viewer", unit=TOWN)
    clerk_id = kc_user(admin_api, clerk)["id"]
    in_group(admin_api, clerk_id, realm_roles=["gateway_admin"])
    refused_everything(town_admin, admin_api, clerk_id, TOWN, "gateway_admin")
    refused_everything(county_admin, admin_api, clerk_id, TOWN, "realm administrator")
    assert "refused" in town_admin.get("/staff/audit").get_data(as_text=True)


@pytest.mark.parametrize("subgroup", [False, True], ids=["group", "parent-group"])
def test_a_client_role_through_a_group_counts(signed_in, admin_api, staff, subgroup):
    county_admin = signed_in("admin", unit=COUNTY)
    clerk, _ = staff("viewer", unit=COMMUNITY)
    clerk_id = kc_user(admin_api, clerk)["id"]
    in_group(admin_api, clerk_id, client_roles=[("realm-management", "view-users")], subgroup=subgroup)
    refused_everything(county_admin, admin_api, clerk_id, COMMUNITY, "realm-management/view-users")


def test_a_realm_admin_holder_cannot_be_taken_over(signed_in, admin_api, staff):
    county_admin = signed_in("admin", unit=COUNTY)
    holder, _ = staff("viewer", unit=COMMUNITY)
    holder_id = kc_user(admin_api, holder)["id"]
    realm_admin_holder(admin_api, holder_id)
    refused_everything(county_admin, admin_api, holder_id, COMMUNITY, "realm-management/realm-admin")
    log = county_admin.get("/staff/audit").get_data(as_text=True)
    assert "realm-admin" in log and "refused" in log


def test_a_realm_role_outside_the_staff_roles_is_refused(signed_in, admin_api, staff):
    county_admin = signed_in("admin", unit=COUNTY)
    name = f"t-extra-{uuid.uuid4().hex[:6]}"
    admin_api.session.post(admin_api.url("/roles"), json={"name": name}).raise_for_status()
    holder, _ = staff("viewer", name, unit=COMMUNITY)
    refused_everything(county_admin, admin_api, kc_user(admin_api, holder)["id"], COMMUNITY, name)


def test_a_service_account_is_refused(signed_in, admin_api):
    county_admin = signed_in("admin", unit=COUNTY)
    (client,) = admin_api.session.get(admin_api.url("/clients"), params={"clientId": "tongxin-console-staff"}).json()
    account = admin_api.session.get(admin_api.url(f"/clients/{client['id']}/service-account-user")).json()
    account["attributes"] = {**(account.get("attributes") or {}), "unit": [COMMUNITY]}
    admin_api.session.put(admin_api.url(f"/users/{account['id']}"), json=account).raise_for_status()
    try:
        r = county_admin.post(f"/staff/{account['id']}/password", data={"csrf_token": csrf(county_admin)})
        assert r.status_code == 403 and "service account" in r.get_data(as_text=True)
    finally:
        account["attributes"].pop("unit")
        admin_api.session.put(admin_api.url(f"/users/{account['id']}"), json=account).raise_for_status()


# --- the two-person rules survive one admin (M3) ------------------------------------------------


@pytest.mark.parametrize("role", ["reviewer", "gateway_admin", "admin"])
def test_a_county_admin_cannot_grant_a_guarded_role_at_county_level(signed_in, admin_api, staff, role):
    county_admin = signed_in("admin", unit=COUNTY)
    r = create(county_admin, f"t-puppet-{role.replace('_', '-')}-{RUN}", COUNTY, role)
    assert r.status_code == 403
    page = r.get_data(as_text=True)
    assert "上级单位" in page and "realm administrator" in page
    assert kc_user(admin_api, f"t-puppet-{role.replace('_', '-')}-{RUN}") is None
    clerk, _ = staff("viewer", unit=COUNTY)
    clerk_id = kc_user(admin_api, clerk)["id"]
    r = county_admin.post(f"/staff/{clerk_id}", data={"csrf_token": csrf(county_admin), "unit": COUNTY,
                                                     "roles": ["viewer", role]})  # fmt: skip
    assert r.status_code == 403 and role not in kc_roles(admin_api, clerk_id)


def test_a_county_admin_cannot_remove_a_county_reviewer(signed_in, admin_api, staff):
    county_admin = signed_in("admin", unit=COUNTY)
    reviewer, _ = staff("reviewer", unit=COUNTY)
    reviewer_id = kc_user(admin_api, reviewer)["id"]
    refused_everything(county_admin, admin_api, reviewer_id, COUNTY, "higher unit")
    assert "reviewer" in kc_roles(admin_api, reviewer_id)
    # a town reviewer is the county admin's to change
    town_reviewer, _ = staff("reviewer", unit=TOWN)
    town_reviewer_id = kc_user(admin_api, town_reviewer)["id"]
    r = county_admin.post(f"/staff/{town_reviewer_id}", data={"csrf_token": csrf(county_admin), "unit": TOWN,
                                                              "roles": ["viewer"]})  # fmt: skip
    assert r.status_code == 302 and "reviewer" not in kc_roles(admin_api, town_reviewer_id)


@pytest.mark.parametrize("unit", [COUNTY, TOWN])
def test_admins_of_one_unit_cannot_touch_each_other(signed_in, admin_api, staff, unit):
    first = signed_in("admin", unit=unit)
    peer, _ = staff("admin", unit=unit)
    refused_everything(first, admin_api, kc_user(admin_api, peer)["id"], unit, "higher unit")
    assert "admin" in kc_roles(admin_api, kc_user(admin_api, peer)["id"])


def test_a_town_admin_cannot_re_enable_an_account_the_county_disabled(signed_in, admin_api, staff):
    county_admin, town_admin = signed_in("admin", unit=COUNTY), signed_in("admin", unit=TOWN)
    clerk, _ = staff("viewer", unit=COMMUNITY)
    clerk_id = kc_user(admin_api, clerk)["id"]

    def enabled(admin, on: bool):
        data = {"csrf_token": csrf(admin), "enabled": "true" if on else "false"}
        return admin.post(f"/staff/{clerk_id}/enabled", data=data)

    assert enabled(county_admin, False).status_code == 302
    r = enabled(town_admin, True)
    assert r.status_code == 403 and "higher unit" in r.get_data(as_text=True)
    assert kc_user(admin_api, clerk)["enabled"] is False
    assert enabled(county_admin, True).status_code == 302 and kc_user(admin_api, clerk)["enabled"] is True
    # what the town admin disabled, the town admin may re-enable
    assert enabled(town_admin, False).status_code == 302
    assert enabled(town_admin, True).status_code == 302 and kc_user(admin_api, clerk)["enabled"] is True
    # disabled outside the console (the realm administrator): nobody re-enables it here
    admin_api.session.put(admin_api.url(f"/users/{clerk_id}"), json={"enabled": False}).raise_for_status()
    r = enabled(county_admin, True)
    assert r.status_code == 403 and "not disabled in the console" in r.get_data(as_text=True)
    assert kc_user(admin_api, clerk)["enabled"] is False


# --- the audit log, the password page, user names (L1, L5, L6) ---------------------------------


def audit_rows(client) -> list[str]:
    html = client.get("/staff/audit").get_data(as_text=True)
    return re.findall(r"<tr><td>.*?</tr>", html, re.S)


def test_each_change_is_recorded_as_its_intent_and_its_outcome(signed_in, admin_api):
    town_admin = signed_in("admin", unit=TOWN)
    username = f"t-intent-{RUN}"
    assert create(town_admin, username, COMMUNITY, "viewer").status_code == 201
    rows = [row for row in audit_rows(town_admin) if f">{username}<" in row]
    assert len(rows) == 2 and "done" in rows[0] and "requested" in rows[1]
    assert all(f"{town_admin.username} (" in row for row in rows)  # the sign-in name, not the display name
    # the same name again: Keycloak refuses after the intent was recorded
    assert create(town_admin, username, COMMUNITY, "viewer").status_code == 409
    rows = [row for row in audit_rows(town_admin) if f">{username}<" in row]
    assert len(rows) == 4 and "failed" in rows[0] and "requested" in rows[1]


def test_an_attempt_outside_the_subtree_is_recorded(signed_in, admin_api):
    town_admin, county_admin = signed_in("admin", unit=TOWN), signed_in("admin", unit=COUNTY)
    target = kc_user(admin_api, "county-admin")["id"]
    assert town_admin.post(f"/staff/{target}/password", data={"csrf_token": csrf(town_admin)}).status_code == 404
    for reader in (town_admin, county_admin):
        rows = [row for row in audit_rows(reader) if target in row]
        assert rows and "refused" in rows[0] and "reset-password" in rows[0] and "not found" in rows[0]
    assert COUNTY not in next(row for row in audit_rows(town_admin) if target in row)  # nothing about the account


def test_the_temporary_password_page_is_not_stored(signed_in, admin_api, staff):
    town_admin = signed_in("admin", unit=TOWN)
    created = create(town_admin, f"t-no-store-{RUN}", COMMUNITY, "viewer")
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    clerk, _ = staff("viewer", unit=COMMUNITY)
    clerk_id = kc_user(admin_api, clerk)["id"]
    reset = town_admin.post(f"/staff/{clerk_id}/password", data={"csrf_token": csrf(town_admin)})
    assert reset.status_code == 200 and reset.headers["Cache-Control"] == "no-store"


def test_a_taken_user_name_is_not_available_wherever_it_is(signed_in, staff):
    town_admin = signed_in("admin", unit=TOWN)
    inside, _ = staff("viewer", unit=COMMUNITY)
    answers = [create(town_admin, name, COMMUNITY, "viewer") for name in ("county-admin", inside)]
    assert [a.status_code for a in answers] == [409, 409]
    pages = [a.get_data(as_text=True) for a in answers]
    assert all("用户名不可用" in p and "not available" in p for p in pages)
    assert all("exists" not in p.lower() for p in pages)


def test_a_console_without_the_staff_secret_has_no_staff_administration(make_app, staff):
    """The public-facing console can run without the Keycloak admin credential: /staff is not there."""
    public = make_app(staff_admin_client_secret="")
    assert "console.keycloak" not in public.extensions
    client = public.test_client()
    username, password = staff("admin", unit=COUNTY)
    assert console_sign_in(client, username, password).status_code == 302
    assert client.get("/staff").status_code == 404
    assert client.get("/staff/new").status_code == 404
    assert 'href="/staff' not in client.get("/", follow_redirects=True).get_data(as_text=True)
