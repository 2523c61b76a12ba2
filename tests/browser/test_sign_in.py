"""Signing in to the console through Keycloak in chromium, as staff do: user name and password on
Keycloak's page, lockout after five wrong passwords, TOTP enrolment forced on administrators,
a sign-out after which the old cookie opens nothing, and a town administrator kept inside the town."""

from __future__ import annotations

import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

TOWN, OTHER_TOWN, COUNTY, COMMUNITY = "370783001000", "370783002000", "370783000000", "370783001001"


@pytest.fixture
def fresh_account(keycloak_admin):
    """``fresh_account("admin", unit=TOWN)``: a new account with no TOTP yet (user name, password)."""

    def make(*roles: str, unit: str = COUNTY) -> tuple[str, str]:
        username, password = f"b-{uuid.uuid4().hex[:8]}", f"Pw-{uuid.uuid4().hex[:12]}A1"
        assert keycloak_admin.create_user(username, unit, list(roles), password).status_code == 201
        return username, password

    return make


def test_sign_in_with_user_name_and_password_on_keycloaks_page(console):
    console.sign_in("county-viewer", "Tx-county-viewer-2026")
    d = console.driver
    assert d.current_url.rstrip("/") == console.base
    assert "county-viewer" in d.find_element(By.CSS_SELECTOR, ".who").text or "查看" in d.page_source
    assert "Tx-county-viewer-2026" not in d.page_source  # the console never echoes a password
    console.shot("20-signed-in-through-keycloak")


def test_five_wrong_passwords_lock_the_account(console, fresh_account, keycloak_admin):
    username, password = fresh_account("viewer")
    d = console.driver
    console.forget_everyone()
    console.go("/login")
    console.start_keycloak_sign_in()
    for attempt in range(5):
        console.keycloak_password(username, f"wrong-{attempt}")
        WebDriverWait(d, 20).until(
            lambda d: d.find_elements(By.ID, "input-error") or d.find_elements(By.CSS_SELECTOR, "[id*=error]")
        )
    console.keycloak_password(username, password)  # the right one, now refused
    WebDriverWait(d, 20).until(lambda d: d.find_elements(By.ID, "username"))
    assert not d.current_url.startswith(console.base)
    user_id = keycloak_admin.user(username)["id"]
    status = keycloak_admin.session.get(
        keycloak_admin.url(f"/attack-detection/brute-force/users/{user_id}"), timeout=30
    )
    assert status.json()["disabled"] is True and status.json()["numFailures"] >= 5
    console.shot("21-locked-after-five-failures")


def test_an_administrator_without_totp_is_made_to_enrol(console, fresh_account):
    username, password = fresh_account("admin", unit=TOWN)
    d = console.driver
    console.forget_everyone()
    console.go("/login")
    console.start_keycloak_sign_in()
    console.keycloak_password(username, password)
    WebDriverWait(d, 20).until(lambda d: d.find_elements(By.ID, "totp"))
    assert "CONFIGURE_TOTP" in d.current_url and not d.current_url.startswith(console.base)
    assert d.find_elements(By.CSS_SELECTOR, "img[src^='data:image/png'], #kc-totp-secret-qr-code")
    console.shot("22-totp-enrolment-required")
    console.keycloak_second_factor(username)
    WebDriverWait(d, 30).until(lambda d: d.current_url.startswith(console.base))
    assert "账号管理" in d.page_source  # an administrator, signed in


def test_after_sign_out_the_old_session_cookie_opens_nothing(console):
    console.sign_in("county-viewer", "Tx-county-viewer-2026")
    d = console.driver
    old = d.get_cookie("console")["value"]
    console.sign_out()
    d.delete_cookie("console")
    d.add_cookie({"name": "console", "value": old, "path": "/"})
    console.go("/people")
    assert d.current_url.startswith(console.base + "/login")
    console.start_keycloak_sign_in()  # and Keycloak asks for the password again: its session ended too
    assert d.find_elements(By.ID, "password")
    console.shot("23-old-cookie-after-sign-out")


def test_a_town_admin_cannot_create_an_account_for_another_town_or_the_county(console, fresh_account, keycloak_admin):
    username, password = fresh_account("admin", unit=TOWN)
    console.sign_in(username, password)
    d = console.driver
    for unit in (OTHER_TOWN, COUNTY):
        wanted = f"b-outside-{uuid.uuid4().hex[:6]}"
        fill_new_account(console, wanted, unit)
        assert "管辖范围以外" in d.page_source and "outside your unit" in d.page_source
        assert (
            keycloak_admin.session.get(
                keycloak_admin.url("/users"), params={"username": wanted, "exact": "true"}
            ).json()
            == []
        )
    console.shot("24-town-admin-refused-for-the-county")
    wanted = f"b-inside-{uuid.uuid4().hex[:6]}"
    fill_new_account(console, wanted, COMMUNITY)
    assert d.find_element(By.ID, "temporary-password").text
    assert keycloak_admin.user(wanted)["attributes"]["unit"] == [COMMUNITY]
    console.go("/staff/audit")
    assert wanted in d.page_source and "refused" in d.page_source
    console.shot("25-staff-audit-log")
    # The gateway page opens for a town admin (the whole-chain check is the county's, and says so).
    console.go("/gateway")
    assert "由辖区覆盖所有机构的县级人员核验" in d.find_element(By.ID, "ledger-verdict").text
    assert d.find_elements(By.ID, "agencies")


def fill_new_account(console, username: str, unit: str) -> None:
    d = console.go("/staff/new")
    d.find_element(By.ID, "username").send_keys(username)
    d.find_element(By.ID, "unit").clear()
    d.find_element(By.ID, "unit").send_keys(unit)
    d.find_element(By.CSS_SELECTOR, "input[name=roles][value=viewer]").click()
    button = d.find_element(By.ID, "save-account")
    button.click()
    WebDriverWait(d, 20).until(
        lambda d: not d.find_elements(By.ID, "save-account") or d.find_elements(By.CSS_SELECTOR, "[role=alert]")
    )
