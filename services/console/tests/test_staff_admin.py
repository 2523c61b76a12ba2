"""Staff administration in the console against the real Keycloak: a unit administrator creates,
changes, disables and resets accounts only within their own subtree; nothing outside the subtree
is changed or even shown. (Guarded roles, effective roles and the audit log:
``test_staff_admin_guards.py``.)"""

from __future__ import annotations

import re

import pytest

from services.console.tests.staff_admin_support import (
    COMMUNITY,
    COUNTY,
    OTHER_TOWN,
    RUN,
    TOWN,
    admin_api,
    create,
    csrf,
    kc_roles,
    kc_user,
    signed_in,
)
from tests.support.keycloak_pages import console_sign_in

pytestmark = pytest.mark.keycloak
__all__ = ["admin_api", "signed_in"]  # fixtures, used by name


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
