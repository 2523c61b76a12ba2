"""Staff tokens in tests: one throwaway issuer per test process, trusted by every service a test builds.

Services verify only asymmetric access tokens against a JWKS (``chassis.oidc``). Tests that are
not about Keycloak itself sign Keycloak-shaped tokens with ``ISSUER`` (a ``ThrowawayIssuer``: an
RSA key made in memory, never written anywhere) and give the service ``trusted()`` settings (or
``trusted_environ()`` for a process), which name that issuer and its public key and nothing
else. Tests about Keycloak use a real one (tests/support/identity.py).
"""

from __future__ import annotations

from chassis.testing_tokens import ThrowawayIssuer

COUNTY = "370783000000"
ISSUER = ThrowawayIssuer()


def trusted() -> dict[str, str]:
    """Settings overrides (field names) under which a service accepts ``ISSUER``'s tokens only."""
    return ISSUER.settings()


def trusted_environ() -> dict[str, str]:
    """The same as environment variables, for a service started as a process."""
    return ISSUER.environ()


def staff_headers(roles=("editor",), unit: str = COUNTY, sub: str = "it-staff", **extra) -> dict:
    """``Authorization`` for a staff member with ``roles`` at ``unit`` (plus any ``extra`` headers)."""
    return {"Authorization": f"Bearer {ISSUER.issue(sub, list(roles), unit)}", **extra}
