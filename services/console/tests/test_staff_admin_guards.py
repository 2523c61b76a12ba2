"""Staff administration against the real Keycloak, the hard cases: only plain staff accounts
(decided on effective roles, groups and client roles included), the guarded roles and their
holders only from a strictly higher unit, and every change (intent and outcome) and every refusal
in the audit log."""

from __future__ import annotations

import uuid

import pytest

from services.console.tests.staff_admin_support import (
    COMMUNITY,
    COUNTY,
    RUN,
    TOWN,
    admin_api,
    audit_rows,
    create,
    csrf,
    in_group,
    kc_roles,
    kc_user,
    realm_admin_holder,
    refused_everything,
    signed_in,
)
from tests.support.keycloak_pages import console_sign_in

pytestmark = pytest.mark.keycloak
__all__ = ["admin_api", "signed_in"]  # fixtures, used by name


# --- effective roles: groups, composites, client roles, service accounts (H1) ----------------


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
