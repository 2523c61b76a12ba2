"""The tongxin realm as imported from deploy/keycloak/tongxin-realm.json, on a real Keycloak."""

import time
import uuid

import jwt
import pytest
import requests

from tests.support.identity import (
    CONSOLE_CLIENT,
    CONSOLE_REDIRECT,
    PORTAL_REDIRECT,
    Admin,
    BrowserSignIn,
    client_credentials,
    demo_password,
    form,
    password_grant,
    totp,
)

pytestmark = pytest.mark.keycloak
TOWN, COMMUNITY = "370783001000", "370783001001"


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


@pytest.mark.parametrize(
    "username, roles, unit",
    [
        ("community-viewer", {"viewer"}, COMMUNITY),
        ("town-editor", {"editor"}, TOWN),
        ("county-reviewer", {"reviewer"}, "370783000000"),
        ("county-auditor", {"auditor"}, "370783000000"),
    ],
)
def test_demo_users_get_rs256_tokens_with_roles_unit_and_the_api_audience(keycloak, username, roles, unit):
    answer = password_grant(keycloak, username)
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    body = claims(token)
    assert body["unit"] == unit and roles <= set(body["realm_access"]["roles"])
    assert "tongxin-api" in ([body["aud"]] if isinstance(body["aud"], str) else body["aud"])
    assert body["exp"] - body["iat"] == 300, "access tokens live five minutes"
    assert answer.json()["refresh_token"]


def test_the_seeder_signs_in_with_client_credentials_as_a_county_service_account(keycloak):
    body = claims(client_credentials(keycloak, "tongxin-seeder", "dev-only-tongxin-seeder-secret-change-me"))
    assert body["unit"] == "370783000000" and {"admin", "editor", "evaluator"} <= set(body["realm_access"]["roles"])
    assert body["azp"] == "tongxin-seeder"


def test_a_staff_member_signs_in_through_the_browser_flow_with_pkce(keycloak):
    tokens = BrowserSignIn(keycloak, CONSOLE_CLIENT[0], CONSOLE_REDIRECT, CONSOLE_CLIENT[1]).token(
        "community-viewer", demo_password("community-viewer")
    )
    assert claims(tokens["access_token"])["unit"] == COMMUNITY


def test_the_console_client_refuses_a_sign_in_without_pkce(keycloak):
    page = BrowserSignIn(keycloak, CONSOLE_CLIENT[0], CONSOLE_REDIRECT).session.get(
        f"{keycloak.issuer}/protocol/openid-connect/auth",
        params={"client_id": CONSOLE_CLIENT[0], "response_type": "code", "redirect_uri": CONSOLE_REDIRECT},
        allow_redirects=False,
        timeout=30,
    )
    assert "code_challenge" in page.headers.get("Location", "") + page.text


def test_sign_ins_return_only_to_the_console_callback(keycloak):
    """Exact redirect URIs: a code is never sent to another page of the console (nor elsewhere)."""
    for elsewhere in (CONSOLE_REDIRECT.replace("/auth/callback", "/people"), "https://evil.example/auth/callback"):
        page = requests.get(
            f"{keycloak.issuer}/protocol/openid-connect/auth",
            params={"client_id": CONSOLE_CLIENT[0], "response_type": "code", "redirect_uri": elsewhere,
                    "code_challenge": "x" * 43, "code_challenge_method": "S256"},
            allow_redirects=False, timeout=30,
        )  # fmt: skip
        assert page.status_code == 400 and "Location" not in page.headers, elsewhere


def test_the_realms_admin_cli_takes_no_passwords(keycloak):
    """No password grant in the realm at all: it would skip the browser flow's TOTP step."""
    answer = requests.post(
        keycloak.token_url,
        data={"grant_type": "password", "client_id": "admin-cli", "username": "community-viewer",
              "password": demo_password("community-viewer")},
        timeout=30,
    )  # fmt: skip
    assert answer.status_code in (400, 401) and "access_token" not in answer.text


@pytest.mark.parametrize("username", ["county-admin", "town-admin", "county-gateway-admin"])
def test_an_administrator_without_totp_is_made_to_enrol_before_any_token(keycloak, username):
    answer = BrowserSignIn(keycloak, CONSOLE_CLIENT[0], CONSOLE_REDIRECT, CONSOLE_CLIENT[1]).submit_password(
        username, demo_password(username)
    )
    assert answer.status_code == 302
    assert "required-action?execution=CONFIGURE_TOTP" in answer.headers["Location"]


def test_an_administrator_enrols_totp_then_needs_it_at_every_sign_in(keycloak):
    name = f"admin-{uuid.uuid4().hex[:8]}"
    assert Admin(keycloak).create_user(name, TOWN, ["admin"], "Admin-pass-2026").status_code == 201
    browser = BrowserSignIn(keycloak, CONSOLE_CLIENT[0], CONSOLE_REDIRECT, CONSOLE_CLIENT[1])
    setup = browser.follow(browser.submit_password(name, "Admin-pass-2026"))
    secret = form(setup)[1]["totpSecret"]
    wrong = browser.post(setup, {"totp": "000000" if totp(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and form(wrong)[1]["totpSecret"] == secret  # refused, asked again
    enrolled = browser.post(wrong, {"totp": totp(secret), "userLabel": "phone"})
    assert "admin" in claims(browser.exchange(enrolled)["access_token"])["realm_access"]["roles"]

    again = BrowserSignIn(keycloak, CONSOLE_CLIENT[0], CONSOLE_REDIRECT, CONSOLE_CLIENT[1])
    challenge = again.submit_password(name, "Admin-pass-2026")
    assert challenge.status_code == 200 and 'name="otp"' in challenge.text  # the password alone is not enough
    stale = again.post(challenge, {"otp": totp(secret, time.time() - 300)})
    assert stale.status_code == 200 and 'name="otp"' in stale.text  # a five-minute-old code is refused
    time.sleep(30.5 - time.time() % 30)  # a code is good once: the enrolment used this period's
    assert again.exchange(again.post(stale, {"otp": totp(secret)}))["access_token"]


def test_member_portal_tokens_lack_the_staff_api_audience(keycloak):
    tokens = BrowserSignIn(keycloak, "tongxin-portal", PORTAL_REDIRECT).token(
        "community-viewer", demo_password("community-viewer")
    )
    audience = claims(tokens["access_token"]).get("aud", [])
    assert "tongxin-api" not in ([audience] if isinstance(audience, str) else audience)


def test_the_unit_attribute_is_validated_and_mapped_into_tokens(keycloak):
    admin = Admin(keycloak)
    name = f"officer-{uuid.uuid4().hex[:8]}"
    bad = admin.create_user(name, "3707830010", ["viewer"], "Officer-pass-2026")
    assert bad.status_code == 400 and "unit" in bad.text
    assert admin.create_user(name, TOWN, ["viewer"], "Officer-pass-2026").status_code == 201
    assert claims(password_grant(keycloak, name, "Officer-pass-2026").json()["access_token"])["unit"] == TOWN


def test_the_password_policy_refuses_a_short_password(keycloak):
    answer = Admin(keycloak).create_user(f"weak-{uuid.uuid4().hex[:8]}", TOWN, ["viewer"], "short1A")
    assert answer.status_code == 400 and "invalidPasswordMinLength" in answer.text


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(keycloak):
    admin = Admin(keycloak)
    name = f"locked-{uuid.uuid4().hex[:8]}"
    assert admin.create_user(name, TOWN, ["viewer"], "Right-pass-2026").status_code == 201
    for _ in range(5):
        assert password_grant(keycloak, name, "Wrong-pass-2026").status_code == 401
    assert password_grant(keycloak, name, "Right-pass-2026").status_code == 401
    status = admin.session.get(admin.url(f"/attack-detection/brute-force/users/{admin.user(name)['id']}"), timeout=30)
    assert status.json()["disabled"] is True


def test_a_staff_member_manages_their_account_but_cannot_change_their_own_unit(keycloak):
    admin = Admin(keycloak)
    name = f"selfserve-{uuid.uuid4().hex[:8]}"
    assert admin.create_user(name, COMMUNITY, ["viewer"], "Selfserve-pass-2026").status_code == 201
    token = password_grant(keycloak, name, "Selfserve-pass-2026").json()["access_token"]
    account_url = f"{keycloak.issuer}/account/"
    auth = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    mine = requests.get(account_url, headers=auth, timeout=30)
    assert mine.status_code == 200, mine.text
    profile = mine.json()
    profile["firstName"] = "东关社区 网格员"
    assert requests.post(account_url, headers=auth, json=profile, timeout=30).status_code == 204
    profile["attributes"] = {**profile.get("attributes", {}), "unit": ["370783000000"]}  # promote myself to the county
    attempt = requests.post(account_url, headers=auth, json=profile, timeout=30)
    assert attempt.status_code == 400, attempt.text
    stored = admin.user(name)
    assert stored["attributes"]["unit"] == [COMMUNITY] and stored["firstName"] == "东关社区 网格员"
