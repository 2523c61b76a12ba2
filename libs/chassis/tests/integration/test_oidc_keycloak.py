"""chassis.oidc against a real Keycloak: what it issues verifies, nothing else does, keys rotate live."""

import time
import uuid

import jwt
import pytest
import requests

from chassis.errors import Unauthorized
from chassis.oidc import KeySet, TokenVerifier
from tests.support import forged_tokens as forge
from tests.support.identity import E2E_CLIENT, Admin, client_credentials, password_grant

pytestmark = pytest.mark.keycloak
COUNTY, COMMUNITY = "370783000000", "370783001001"


@pytest.fixture
def verifier(keycloak):
    return TokenVerifier(KeySet.from_url(keycloak.jwks_url), keycloak.issuer, "tongxin-api")


def access_token(keycloak, username: str = "community-viewer") -> str:
    answer = password_grant(keycloak, username)
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def refused(verifier: TokenVerifier, token: str, why: str) -> None:
    with pytest.raises(Unauthorized) as caught:
        verifier.verify(token)
    assert why in caught.value.detail_en, caught.value.detail_en


def test_password_grant_and_client_credentials_tokens_verify(keycloak, verifier):
    viewer = verifier.verify(access_token(keycloak))
    assert (viewer.unit, viewer.roles >= {"viewer"}, viewer.name) == (COMMUNITY, True, "东关社区 查看")
    machine = requests.post(
        keycloak.token_url,
        data={"grant_type": "client_credentials", "client_id": E2E_CLIENT[0], "client_secret": E2E_CLIENT[1]},
        timeout=30,
    ).json()["access_token"]
    assert verifier.verify(machine).unit == COUNTY


def test_a_token_from_another_realm_is_refused(keycloak, verifier):
    # The same realm file under another name: same clients, roles, users, audience, unit; other keys and issuer.
    realm = forge.another_realm(keycloak)
    foreign = forge.token_of_another_realm(keycloak, realm)
    assert jwt.decode(foreign, options={"verify_signature": False})["aud"] == "tongxin-api"
    refused(verifier, foreign, "not in the JWKS")
    # Even trusting both realms' keys, the issuer still has to be ours.
    both = TokenVerifier(KeySet(lambda: _merged(keycloak, realm)), keycloak.issuer, "tongxin-api")
    refused(both, foreign, "issuer")


def _merged(keycloak, other: str) -> dict:
    return {"keys": forge.jwks(keycloak)["keys"] + forge.jwks(keycloak, other)["keys"]}


def test_a_token_of_another_client_without_our_audience_is_refused(keycloak, verifier):
    portal = forge.portal_tokens(keycloak)
    refused(verifier, portal["access_token"], '"aud"')  # the portal's tokens name no staff audience at all
    refused(verifier, portal["id_token"], "audience")  # an ID token names the portal as its audience


def test_an_expired_token_is_refused(keycloak):
    # The realm's tokens live 5 minutes: a throwaway client whose tokens live 10 s, with the staff mappers
    # (exp is in whole seconds: a 1 s token issued late in a second was expired before it was verified).
    strict = TokenVerifier(KeySet.from_url(keycloak.jwks_url), keycloak.issuer, "tongxin-api", leeway_s=0)
    short = client_credentials(keycloak, *forge.short_lived_client(keycloak, lifespan_s=10, unit=COUNTY))
    assert strict.verify(short).unit == COUNTY
    expires = jwt.decode(short, options={"verify_signature": False})["exp"]
    time.sleep(max(0.0, expires - time.time()) + 1.5)
    refused(strict, short, "expired")


def test_a_token_signed_by_a_key_not_in_the_jwks_is_refused(keycloak, verifier):
    real_kid = jwt.get_unverified_header(access_token(keycloak))["kid"]
    outsider = forge.outsider(keycloak)
    refused(verifier, outsider.issue("x", ["admin"], COUNTY), "not in the JWKS")
    outsider.kid = real_kid
    refused(verifier, outsider.issue("x", ["admin"], COUNTY), "Signature verification failed")


@pytest.mark.parametrize("key", ["a-guessed-secret", "dev-only-secret-change-me-please-32b", "the-realm-public-key"])
def test_an_hs256_token_is_refused_whatever_signed_it(keycloak, verifier, key):
    token = access_token(keycloak)
    genuine, kid = jwt.decode(token, options={"verify_signature": False}), jwt.get_unverified_header(token)["kid"]
    secret = forge.published_key(keycloak, kid) if key == "the-realm-public-key" else key.encode()
    forged = forge.hs256({**genuine, "realm_access": {"roles": ["admin"]}, "unit": COUNTY}, secret, kid)
    refused(verifier, forged, "algorithm 'HS256' is not accepted")


def test_rotating_the_realm_key_while_running_keeps_old_tokens_and_verifies_new_ones(keycloak):
    # One verifier for the whole test, as one running service: it is never rebuilt or restarted.
    service = TokenVerifier(KeySet.from_url(keycloak.jwks_url, refetch_interval_s=0), keycloak.issuer, "tongxin-api")
    before = access_token(keycloak, "town-editor")
    assert service.verify(before).roles >= {"editor"}
    Admin(keycloak).add_signing_key(f"rotated-{uuid.uuid4().hex[:6]}", priority=int(time.time()))
    after = access_token(keycloak, "town-editor")
    assert jwt.get_unverified_header(after)["kid"] != jwt.get_unverified_header(before)["kid"]
    assert service.verify(after).roles >= {"editor"}
    assert service.verify(before).roles >= {"editor"}, "tokens signed before the rotation verify until they expire"
