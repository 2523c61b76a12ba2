"""Staff access tokens from the identity provider (Keycloak), verified with its public keys.

Keycloak signs access tokens with a private key only it holds; a service checks them
against the realm's JWKS, so no service holds anything that can mint a token. A
token is accepted only if it is signed with an asymmetric algorithm by a key in the
JWKS (looked up by ``kid``), names our issuer and our audience, has not expired, is
an access token (``typ: Bearer``) and carries a valid 12-digit ``unit`` claim. The
roles come from ``realm_access.roles``; a member's token also carries ``person_id`` (a string of at
most 64 characters, else the token is refused). The result is a ``chassis.auth.Principal``. There is
no other way in: no shared secret, no fallback, and an API without a JWKS does not start.

Key rotation: the key set is cached for ``cache_s``; a token whose ``kid`` is not in
the cache makes one refetch. Fetches, failed ones included, happen at most once per
``refetch_interval_s`` (so forged kids, or an identity provider that is down or slow,
cannot turn every request into a call to it), and only one request fetches at a time:
while it waits, the others go on with the keys in hand. Keys that were removed from the
JWKS stop verifying at the next refetch.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

import jwt

from chassis import units
from chassis.auth import Principal
from chassis.errors import AppError, Unauthorized

log = logging.getLogger(__name__)

#: Asymmetric signatures only: an HS256 token is refused whatever it was signed with.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "EdDSA")


class IdentityProviderUnavailable(AppError):
    status, code = 503, "identity-provider-unavailable"
    title_zh, title_en = "暂时无法验证登录令牌", "Cannot verify tokens right now"


class NoSigningKeys(RuntimeError):
    """The settings name no JWKS: a service would have no way to tell a genuine staff token."""

    def __init__(self, issuer: str):
        super().__init__(
            "OIDC_JWKS_URL is not set: name the identity provider's public signing keys, e.g. "
            f"{issuer or '<OIDC_ISSUER>'}/protocol/openid-connect/certs (or give the JWKS document itself in "
            "OIDC_JWKS); staff tokens are verified only against them"
        )


class KeySet:
    """The signing keys by ``kid``, from a JWKS source (a URL, or a fixed document)."""

    def __init__(self, fetch: Callable[[], Mapping[str, Any]], cache_s: float = 300, refetch_interval_s: float = 10):
        self._fetch, self.cache_s, self.refetch_interval_s = fetch, cache_s, refetch_interval_s
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")  # the last successful fetch
        self._attempted_at = float("-inf")  # the last fetch, successful or not
        self._fetching = threading.Lock()

    @classmethod
    def from_url(cls, url: str, timeout_s: float = 5, **kwargs: Any) -> KeySet:
        def fetch() -> Mapping[str, Any]:
            with urllib.request.urlopen(url, timeout=timeout_s) as answer:  # noqa: S310 (a configured https/http URL)
                keys: Mapping[str, Any] = json.load(answer)
                return keys

        return cls(fetch, **kwargs)

    @classmethod
    def from_document(cls, jwks: Mapping[str, Any] | str) -> KeySet:
        document = json.loads(jwks) if isinstance(jwks, str) else jwks
        return cls(lambda: document, cache_s=float("inf"))

    def key(self, kid: str) -> jwt.PyJWK:
        if self._due(kid):
            if self._keys:  # keys in hand: never queue behind a fetch another request is making
                if self._fetching.acquire(blocking=False):
                    try:
                        self._refresh()
                    finally:
                        self._fetching.release()
            else:  # nothing to verify with yet: wait for the fetch in flight, or make it
                with self._fetching:
                    if self._due(kid):
                        self._refresh()
        found = self._keys.get(kid)
        if found is None:
            if not self._keys:
                raise IdentityProviderUnavailable(
                    "无法获取身份提供方的签名公钥", "Cannot fetch the identity provider's JWKS"
                )
            raise Unauthorized("令牌的签名密钥不在身份提供方的公钥集中", "Token is signed by a key not in the JWKS")
        return found

    def _due(self, kid: str) -> bool:
        now = time.monotonic()
        if now - self._attempted_at <= self.refetch_interval_s:
            return False
        return now - self._fetched_at > self.cache_s or kid not in self._keys

    def _refresh(self) -> None:
        self._attempted_at = time.monotonic()
        try:
            document = self._fetch()
        except (urllib.error.URLError, OSError, ValueError) as exc:
            # With keys in hand they stay in use until the provider is back; without, callers get a 503.
            log.warning("cannot fetch the identity provider's JWKS: %s", exc)
            return
        keys = {}
        for entry in document.get("keys", []):
            if entry.get("use", "sig") != "sig" or "kid" not in entry:
                continue
            try:
                keys[entry["kid"]] = jwt.PyJWK(entry)
            except jwt.PyJWTError:
                continue  # a key type or algorithm we do not verify with (e.g. the realm's encryption keys)
        self._keys, self._fetched_at = keys, time.monotonic()


class TokenVerifier:
    """Turns a bearer token into a ``Principal``, or raises ``Unauthorized`` saying why not."""

    def __init__(self, keys: KeySet, issuer: str, audience: str, leeway_s: int = 30):
        if not issuer or not audience:
            raise ValueError("OIDC issuer and audience are required")
        self.keys, self.issuer, self.audience, self.leeway = keys, issuer, audience, leeway_s

    @classmethod
    def from_settings(cls, settings: Any) -> TokenVerifier:
        """From ``OIDC_ISSUER``, ``OIDC_AUDIENCE`` and ``OIDC_JWKS_URL`` (or an inline ``OIDC_JWKS``).

        Raises ``NoSigningKeys`` when neither names the keys: there is no default place to fetch
        them from (a guessed URL, say a port on this host, could be served by anyone who gets there first)."""
        if settings.oidc_jwks and settings.oidc_jwks_url:
            raise ValueError("set OIDC_JWKS_URL or OIDC_JWKS, not both: which keys a service trusts must be plain")
        if settings.oidc_jwks:
            keys = KeySet.from_document(settings.oidc_jwks)
        elif settings.oidc_jwks_url:
            keys = KeySet.from_url(settings.oidc_jwks_url)
        else:
            raise NoSigningKeys(settings.oidc_issuer)
        return cls(keys, settings.oidc_issuer, settings.oidc_audience)

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthorized("令牌格式无效", "Malformed token") from None
        if header.get("alg") not in ALGORITHMS:
            raise Unauthorized("令牌的签名算法不被接受", f"Token algorithm {header.get('alg')!r} is not accepted")
        if not isinstance(header.get("kid"), str):
            raise Unauthorized("令牌缺少密钥标识", "Token header has no kid")
        claims = self._decode(token, self.keys.key(header["kid"]), header["alg"])
        if claims.get("typ", "Bearer") != "Bearer":
            raise Unauthorized("这不是访问令牌", "Not an access token")
        return _principal(claims)

    def _decode(self, token: str, key: jwt.PyJWK, algorithm: str) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["sub", "exp", "iat", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("令牌已过期", "Token expired") from None
        except jwt.InvalidAudienceError:
            raise Unauthorized("令牌的受众不正确", "Token audience is wrong") from None
        except jwt.InvalidIssuerError:
            raise Unauthorized("令牌的签发方不正确", "Token issuer is wrong") from None
        except jwt.PyJWTError as exc:
            raise Unauthorized("令牌无效", f"Invalid token: {exc}") from None


def _principal(claims: Mapping[str, Any]) -> Principal:
    roles = (claims.get("realm_access") or {}).get("roles")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise Unauthorized("令牌缺少角色", "Token has no valid realm_access.roles claim")
    unit = claims.get("unit")
    try:
        if not isinstance(unit, str):
            raise units.InvalidUnitCode(unit)
        units.check(unit)
    except units.InvalidUnitCode:
        raise Unauthorized("令牌缺少有效的行政区划范围", "Token has no valid unit claim") from None
    name = claims.get("name") or claims.get("preferred_username") or claims["sub"]
    person_id = claims.get("person_id")
    if person_id is not None and (not isinstance(person_id, str) or not 0 < len(person_id) <= 64):
        raise Unauthorized("令牌的成员编号无效", "Token has an invalid person_id claim")
    return Principal(str(claims["sub"]), str(name), frozenset(roles), unit, person_id)
