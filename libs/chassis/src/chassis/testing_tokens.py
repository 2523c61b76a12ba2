"""FOR TESTS ONLY: staff access tokens signed with a throwaway RSA key.

Unit and API tests run without Keycloak. A ``ThrowawayIssuer`` makes a fresh key
pair in memory, signs Keycloak-shaped access tokens (RS256, ``kid``,
``realm_access.roles``, ``unit``, ``typ: Bearer``) and gives the settings that make
a service trust exactly that key (``OIDC_ISSUER``, ``OIDC_AUDIENCE``, inline
``OIDC_JWKS``). Nothing outside tests imports this module; the private key never
leaves the process that made it. Real deployments verify Keycloak's tokens
(``chassis.oidc``) and can mint none.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

TEST_ISSUER = "https://idp.test.invalid/realms/tongxin"
TEST_AUDIENCE = "tongxin-api"


class ThrowawayIssuer:
    def __init__(self, issuer: str = TEST_ISSUER, audience: str = TEST_AUDIENCE):
        self.issuer, self.audience = issuer, audience
        self.kid = uuid.uuid4().hex
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def settings(self) -> dict[str, str]:
        """Settings overrides (field names) that make a service trust this issuer only."""
        return {"oidc_issuer": self.issuer, "oidc_audience": self.audience, "oidc_jwks": json.dumps(self.jwks())}

    def environ(self) -> dict[str, str]:
        """The same, as environment variables for a service started as a process."""
        return {key.upper(): value for key, value in self.settings().items()}

    def issue(
        self,
        subject: str,
        roles: list[str],
        unit: str,
        name: str = "",
        ttl: dt.timedelta = dt.timedelta(minutes=5),
        **overrides: Any,
    ) -> str:
        """A signed access token; ``overrides`` replace or add claims (``unit=None`` drops nothing, sets null)."""
        now = dt.datetime.now(dt.UTC)
        body = {
            "sub": subject,
            "preferred_username": subject,
            "name": name or subject,
            "realm_access": {"roles": list(roles)},
            "unit": unit,
            "typ": "Bearer",
            "azp": "tongxin-e2e",
            "aud": self.audience,
            "iss": self.issuer,
            "iat": now,
            "exp": now + ttl,
            **overrides,
        }
        return jwt.encode(body, self._key, algorithm="RS256", headers={"kid": self.kid})
