"""Every service, running as a process, accepts the realm's tokens and refuses every other token.

The platform (``deploy/run_platform.Platform``: each service's API under gunicorn with its worker,
on its own Kafka broker; development mode, whose secrets play no part in checking a token) starts
once for this module and trusts the test session's real Keycloak (its issuer and JWKS URL, as
compose and the Kubernetes manifests configure them). For each of the
five services a staff endpoint is asked with: a good token of the realm (200); a token of another
realm with the very same clients, roles, audience and unit claim; the member portal's access and ID
tokens (another client: no staff audience); a token signed by a key not in the JWKS, and one with
the realm's key id but another key; HS256 tokens signed with a guessed secret, with the HMAC
secret this repository once shipped, and with the realm's own public key; and, last, a token of
the realm that has expired (beyond the services' 30 s leeway). Each refusal is a 401
problem+json that says why. The token makers are shared with the verifier's own Keycloak test
(tests/support/forged_tokens.py).
"""

from __future__ import annotations

import random
import sys
import time

import jwt
import pytest
import requests

from tests.support import forged_tokens as forge
from tests.support.identity import E2E_CLIENT, client_credentials
from tests.support.infra import ROOT, free_port, say

sys.path.insert(0, str(ROOT / "deploy"))
from run_platform import SERVICES, Platform

pytestmark = [pytest.mark.keycloak, pytest.mark.kafka, pytest.mark.slow]

#: A staff endpoint of each service that the realm's e2e client (a county admin) may read.
STAFF_ENDPOINTS = {
    "registry": "/people",
    "evaluation": "/index-templates",
    "servicedesk": "/requests",
    "sharing-gateway": "/agencies",
    "supervision": "/scheme",
}
#: What each refusal must say (``detail_en``), by forged token.
REFUSALS = {
    "another realm": "not in the JWKS",
    "the portal's access token": 'missing the "aud" claim',
    "the portal's ID token": "audience is wrong",
    "a key not in the JWKS": "not in the JWKS",
    "the realm's key id, another key": "Signature verification failed",
    "HS256, a guessed secret": "algorithm 'HS256' is not accepted",
    "HS256, the secret once shipped": "algorithm 'HS256' is not accepted",
    "HS256, the realm's public key": "algorithm 'HS256' is not accepted",
}
#: The services verify with 30 s of leeway for clock skew; a token must be older than that to count as expired.
LEEWAY_S = 30


@pytest.fixture(scope="module")
def platform(keycloak, tmp_path_factory):
    identity = {"OIDC_ISSUER": keycloak.issuer, "OIDC_JWKS_URL": keycloak.jwks_url}
    p = Platform(tmp_path_factory.mktemp("identity"), free_port(), random.randint(7000, 9000)).trusting(identity)
    p.start()
    say(f"platform trusting {keycloak.issuer} ready in {p.ready_seconds:.1f}s")
    yield p
    p.stop()


def good_token(keycloak) -> str:
    return client_credentials(keycloak, *E2E_CLIENT)


@pytest.fixture(scope="module")
def expiring(keycloak, platform) -> tuple[str, float]:
    """A token of the realm that lives one second (a county viewer's), minted when the module's tests
    begin; the services accept it for the leeway after that, so a refusal later is for its age alone."""
    token, minted = client_credentials(keycloak, *forge.short_lived_client(keycloak, lifespan_s=1)), time.time()
    assert ask(platform, "registry", token).status_code == 200
    return token, minted


@pytest.fixture(scope="module")
def forged(keycloak, platform, expiring) -> dict[str, str]:
    genuine = good_token(keycloak)
    claims, kid = jwt.decode(genuine, options={"verify_signature": False}), jwt.get_unverified_header(genuine)["kid"]
    admin_of_the_province = {**claims, "realm_access": {"roles": ["admin"]}, "unit": "370000000000"}
    portal = forge.portal_tokens(keycloak)
    impostor = forge.outsider(keycloak)
    tokens = {
        "another realm": forge.token_of_another_realm(keycloak, forge.another_realm(keycloak)),
        "the portal's access token": portal["access_token"],
        "the portal's ID token": portal["id_token"],
        "a key not in the JWKS": impostor.issue("x", ["admin"], forge.COUNTY),
    }
    impostor.kid = kid
    tokens["the realm's key id, another key"] = impostor.issue("x", ["admin"], forge.COUNTY)
    for label, key in (
        ("HS256, a guessed secret", b"a-guessed-secret-of-sufficient-length"),
        ("HS256, the secret once shipped", b"dev-only-secret-change-me-please-32b"),
        ("HS256, the realm's public key", forge.published_key(keycloak, kid)),
    ):
        tokens[label] = forge.hs256(admin_of_the_province, key, kid)
    assert set(tokens) == set(REFUSALS)
    return tokens


def ask(platform, service: str, token: str) -> requests.Response:
    url = platform.url(next(s for s in SERVICES if s.name == service), STAFF_ENDPOINTS[service])
    return requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def assert_refused(answer: requests.Response, why: str) -> None:
    assert answer.status_code == 401, answer.text[:300]
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    body = answer.json()
    assert body["status"] == 401 and body["detail"] and why in body["detail_en"], body


@pytest.mark.parametrize("service", list(STAFF_ENDPOINTS))
def test_a_token_of_the_realm_is_accepted(platform, keycloak, service):
    answer = ask(platform, service, good_token(keycloak))
    assert answer.status_code == 200, answer.text[:300]


@pytest.mark.parametrize("case", list(REFUSALS))
@pytest.mark.parametrize("service", list(STAFF_ENDPOINTS))
def test_a_token_the_realm_did_not_issue_to_us_is_refused(platform, forged, service, case):
    assert_refused(ask(platform, service, forged[case]), REFUSALS[case])


@pytest.mark.parametrize("service", list(STAFF_ENDPOINTS))
def test_an_expired_token_of_the_realm_is_refused(platform, expiring, service):
    token, minted = expiring
    time.sleep(max(0.0, minted + 1 + LEEWAY_S + 2 - time.time()))  # the first service waits; the others need not
    assert_refused(ask(platform, service, token), "expired")
