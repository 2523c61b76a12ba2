"""chassis.oidc without Keycloak: tokens from a throwaway key the verifier is told to trust."""

import datetime as dt
import json
import threading
import time
import urllib.error

import jwt
import pytest

from chassis.errors import Unauthorized
from chassis.oidc import IdentityProviderUnavailable, KeySet, TokenVerifier
from chassis.settings import BaseSettings
from chassis.testing_tokens import ThrowawayIssuer
from tests.support.forged_tokens import hs256

TOWN = "370783001000"
issuer = ThrowawayIssuer()
verifier = TokenVerifier.from_settings(BaseSettings().replace(**issuer.settings()))


def refused(token: str, why: str) -> None:
    with pytest.raises(Unauthorized) as caught:
        verifier.verify(token)
    assert why in caught.value.detail_en, caught.value.detail_en
    assert caught.value.detail_zh


def test_a_good_token_gives_the_principal_with_realm_roles_and_unit():
    principal = verifier.verify(issuer.issue("u-1", ["editor", "viewer"], TOWN, name="圣城街道 编辑"))
    assert (principal.subject, principal.name, principal.unit) == ("u-1", "圣城街道 编辑", TOWN)
    assert principal.roles == {"editor", "viewer"}


def test_expired_wrong_audience_and_wrong_issuer_are_refused():
    refused(issuer.issue("u", ["viewer"], TOWN, ttl=dt.timedelta(minutes=-5)), "expired")
    refused(issuer.issue("u", ["viewer"], TOWN, aud="tongxin-portal"), "audience")
    refused(issuer.issue("u", ["viewer"], TOWN, iss="https://elsewhere.invalid/realms/tongxin"), "issuer")


def test_a_token_signed_by_a_key_not_in_the_jwks_is_refused():
    refused(ThrowawayIssuer().issue("u", ["admin"], TOWN), "not in the JWKS")
    impostor = ThrowawayIssuer()
    impostor.kid = issuer.kid  # same key id, another key: the signature does not verify
    refused(impostor.issue("u", ["admin"], TOWN), "Signature verification failed")


@pytest.mark.parametrize("secret", ["s" * 64, "dev-only-secret-change-me-please-32b", "public-key"])
def test_hs256_tokens_are_refused_whatever_signed_them(secret):
    if secret == "public-key":  # algorithm confusion: HMAC keyed with the published RSA key
        secret = json.dumps(issuer.jwks()["keys"][0])
    claims = {
        "sub": "u",
        "aud": issuer.audience,
        "iss": issuer.issuer,
        "unit": TOWN,
        "typ": "Bearer",
        "realm_access": {"roles": ["admin"]},
        "iat": 1,
        "exp": 4_000_000_000,
    }
    refused(hs256(claims, secret.encode(), issuer.kid), "algorithm 'HS256' is not accepted")


def test_unsigned_and_malformed_tokens_are_refused():
    claims = {"sub": "u", "aud": issuer.audience, "iss": issuer.issuer, "unit": TOWN}
    refused(jwt.encode(claims, None, algorithm="none", headers={"kid": issuer.kid}), "not accepted")
    refused("not.a.token", "Malformed")


def test_refresh_and_id_tokens_are_not_access_tokens():
    refused(issuer.issue("u", ["viewer"], TOWN, typ="Refresh"), "Not an access token")
    refused(issuer.issue("u", ["viewer"], TOWN, typ="ID"), "Not an access token")


@pytest.mark.parametrize(
    "claims, why",
    [
        ({"unit": "3707830010"}, "unit"),
        ({"unit": None}, "unit"),
        ({"realm_access": {}}, "roles"),
        ({"realm_access": {"roles": "admin"}}, "roles"),
    ],
)
def test_a_missing_or_malformed_unit_or_roles_claim_is_refused(claims, why):
    token = issuer.issue("u", ["viewer"], TOWN)
    claims = {**jwt.decode(token, options={"verify_signature": False}), **claims}
    refused(jwt.encode(claims, issuer._key, algorithm="RS256", headers={"kid": issuer.kid}), why)


class Provider:
    """A JWKS endpoint whose keys the test changes, counting fetches."""

    def __init__(self, *issuers: ThrowawayIssuer):
        self.issuers, self.fetches, self.down = list(issuers), 0, False

    def __call__(self) -> dict:
        self.fetches += 1
        if self.down:
            raise urllib.error.URLError("connection refused")
        return {"keys": [k for i in self.issuers for k in i.jwks()["keys"]]}


def test_a_new_key_id_is_fetched_once_and_both_keys_verify():
    old, new = ThrowawayIssuer(), ThrowawayIssuer()
    provider = Provider(old)
    rotating = TokenVerifier(KeySet(provider, refetch_interval_s=0), old.issuer, old.audience)
    assert rotating.verify(old.issue("u", ["viewer"], TOWN)).subject == "u"
    provider.issuers.append(new)
    assert rotating.verify(new.issue("v", ["viewer"], TOWN)).subject == "v"
    assert rotating.verify(old.issue("u", ["viewer"], TOWN)).subject == "u"
    assert provider.fetches == 2


def test_forged_key_ids_cannot_make_every_request_fetch_the_jwks():
    good = ThrowawayIssuer()
    provider = Provider(good)
    guarded = TokenVerifier(KeySet(provider, refetch_interval_s=60), good.issuer, good.audience)
    guarded.verify(good.issue("u", ["viewer"], TOWN))
    for _ in range(20):
        with pytest.raises(Unauthorized):
            guarded.verify(ThrowawayIssuer(good.issuer).issue("u", ["admin"], TOWN))
    assert provider.fetches == 1


def test_the_provider_down_is_a_503_without_keys_and_no_outage_with_them():
    good = ThrowawayIssuer()
    provider = Provider(good)
    provider.down = True
    keys = KeySet(provider, cache_s=0, refetch_interval_s=0)
    with pytest.raises(IdentityProviderUnavailable) as caught:
        TokenVerifier(keys, good.issuer, good.audience).verify(good.issue("u", ["viewer"], TOWN))
    assert caught.value.status == 503
    provider.down = False
    cached = TokenVerifier(keys, good.issuer, good.audience)
    cached.verify(good.issue("u", ["viewer"], TOWN))
    provider.down = True
    assert cached.verify(good.issue("u", ["viewer"], TOWN)).unit == TOWN


def test_a_provider_that_is_down_is_asked_once_per_interval_with_or_without_keys():
    good = ThrowawayIssuer()
    provider = Provider(good)
    provider.down = True
    empty = TokenVerifier(KeySet(provider, refetch_interval_s=60), good.issuer, good.audience)
    for _ in range(20):  # no keys yet: each request a 503, the provider asked once
        with pytest.raises(IdentityProviderUnavailable) as caught:
            empty.verify(good.issue("u", ["viewer"], TOWN))
        assert "Traceback" not in caught.value.detail_en and "refused" not in caught.value.detail_en
    assert provider.fetches == 1
    provider.down = False
    stale = KeySet(provider, cache_s=0, refetch_interval_s=60)
    cached = TokenVerifier(stale, good.issuer, good.audience)
    cached.verify(good.issue("u", ["viewer"], TOWN))
    provider.down, before = True, provider.fetches
    stale._attempted_at = float("-inf")  # the interval has passed: one more attempt is due
    for _ in range(20):  # the cache has aged and the provider is down: the keys in hand serve
        assert cached.verify(good.issue("u", ["viewer"], TOWN)).subject == "u"
        with pytest.raises(Unauthorized):  # forged key ids make no more calls either
            cached.verify(ThrowawayIssuer(good.issuer).issue("u", ["admin"], TOWN))
    assert provider.fetches == before + 1


def test_a_slow_provider_holds_up_one_request_not_all():
    good = ThrowawayIssuer()
    release, started = threading.Event(), threading.Event()

    def slow():
        started.set()
        release.wait(10)
        return good.jwks()

    keys = KeySet(slow, cache_s=0, refetch_interval_s=0)
    keys._keys = {k["kid"]: jwt.PyJWK(k) for k in good.jwks()["keys"]}  # fetched earlier
    verifier_ = TokenVerifier(keys, good.issuer, good.audience)
    fetching = threading.Thread(target=lambda: verifier_.verify(good.issue("u", ["viewer"], TOWN)))
    fetching.start()
    assert started.wait(5)
    began = time.monotonic()
    for _ in range(10):  # while the fetch hangs, others verify with the keys in hand
        assert verifier_.verify(good.issue("v", ["viewer"], TOWN)).subject == "v"
    assert time.monotonic() - began < 2
    release.set()
    fetching.join(5)


def test_both_a_jwks_url_and_an_inline_jwks_is_refused():
    both = BaseSettings().replace(**issuer.settings(), oidc_jwks_url="https://idp.example/certs")
    with pytest.raises(ValueError, match="not both"):
        TokenVerifier.from_settings(both)


def test_a_members_token_names_its_person_and_a_malformed_person_id_is_refused():
    principal = verifier.verify(issuer.issue("kc-m1", ["member"], TOWN, person_id="p-1"))
    assert (principal.person_id, principal.require_member(), principal.is_staff) == ("p-1", "p-1", False)
    assert verifier.verify(issuer.issue("u-1", ["editor"], TOWN)).person_id is None
    for bad in (["p-1"], 7, "", "x" * 65):
        refused(issuer.issue("kc-m1", ["member"], TOWN, person_id=bad), "person_id")
