"""Bad staff tokens on every service of the running platform, each answered 401 problem+json:
keys not in the JWKS, the HMAC secret once shipped (issue 15), HS256 keyed with the public key,
expired, wrong audience or issuer, alg none, refresh tokens, no roles, garbage."""

from __future__ import annotations

import datetime as dt
import json

import jwt
import pytest
import requests

from chassis.testing_tokens import ThrowawayIssuer
from tests.e2e.conftest import (
    COUNTY,
    is_problem,
    service_url,
)
from tests.support.forged_tokens import hs256
from tests.support.tokens import ISSUER

PROTECTED = {
    "registry": "/people",
    "evaluation": "/index-templates",
    "servicedesk": "/requests",
    "sharing-gateway": "/agencies",
}


#: The HMAC secret the services once shared, shipped in this repository's defaults (issue 15).
OLD_SHIPPED_SECRET = b"dev-only-secret-change-me-please-32b"


def forged_tokens() -> dict[str, str]:
    """Tokens the platform's issuer (``ISSUER``) did not sign as they are; each names an admin.
    The same cases against a real Keycloak: tests/identity/test_refused_by_every_service.py."""
    genuine = jwt.decode(ISSUER.issue("x", ["admin"], COUNTY), options={"verify_signature": False})
    public_key = json.dumps(ISSUER.jwks()["keys"][0])
    impostor = ThrowawayIssuer(ISSUER.issuer, ISSUER.audience)
    now = dt.datetime.now(dt.UTC)
    return {
        "a key not in the JWKS": impostor.issue("x", ["admin"], COUNTY),
        # The attack of issue 15: the HMAC secret once shipped in the repository, for the whole province.
        "HS256, the old shipped secret": hs256({**genuine, "unit": "370000000000"}, OLD_SHIPPED_SECRET, ISSUER.kid),
        "HS256 keyed with the public key": hs256(genuine, public_key.encode(), ISSUER.kid),
        "expired": ISSUER.issue("x", ["admin"], COUNTY, ttl=dt.timedelta(minutes=-5)),
        "wrong audience": ISSUER.issue("x", ["admin"], COUNTY, aud="tongxin-portal"),
        "wrong issuer": ISSUER.issue("x", ["admin"], COUNTY, iss="https://evil.invalid/realms/tongxin"),
        "alg none": jwt.encode({**genuine, "iat": now, "exp": now + dt.timedelta(minutes=5)}, None, algorithm="none"),
        "a refresh token": ISSUER.issue("x", ["admin"], COUNTY, typ="Refresh"),
        "no roles": ISSUER.issue("x", ["admin"], COUNTY, realm_access={}),
        "garbage": "not.a.token",
    }


@pytest.mark.parametrize("service", list(PROTECTED))
def test_bad_staff_tokens_are_refused_by_every_service(platform, service):
    url = service_url(platform, service) + PROTECTED[service]
    assert is_problem(requests.get(url, timeout=10), 401)
    for label, token in forged_tokens().items():
        r = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert is_problem(r, 401), (service, label, r.status_code, r.text[:200])
