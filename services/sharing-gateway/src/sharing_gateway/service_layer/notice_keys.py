"""The Ed25519 public keys each agency signs its notices with (``domain.jws``).

A key comes in as a public JWK (RFC 8037: ``kty`` OKP, ``crv`` Ed25519, ``x``) and is in force
once two gateway admins have registered it (``approvals``: one asks with the key, a different one
approves), or through the operator's ``gateway-admin register-notice-key`` when a deployment is
set up; both are in the disclosure ledger. Its ``kid`` is derived from the key itself, so one key
can never be registered for two agencies, and a notice naming another agency's kid is refused
as if the kid were unknown. A key the agency lost or replaced is retired the same way (two
gateway admins); from then on notices it signs are refused.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt

import sqlalchemy as sa

from chassis.errors import Conflict, InvalidInput, NotFound
from sharing_gateway.adapters.tables import agency_notice_keys
from sharing_gateway.domain.signing import key_id
from sharing_gateway.service_layer.unit_of_work import UnitOfWork


def public_key_of(jwk) -> str:
    """The base64url raw key of a public Ed25519 JWK; a private member or another key type is refused."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise InvalidInput(
            "须提供 Ed25519 公钥（JWK：kty 为 OKP，crv 为 Ed25519）",
            "Give an Ed25519 public key as a JWK (kty OKP, crv Ed25519)",
            field="jwk",
        )
    if "d" in jwk:
        raise InvalidInput("请勿提交私钥", "Never send the private key (the JWK has a 'd' member)", field="jwk")
    x = jwk.get("x")
    try:
        raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)) if isinstance(x, str) else b""
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise InvalidInput("公钥 x 须为 32 字节的 base64url", "The key's x must be 32 bytes, base64url", field="jwk")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def kid_of(public_key: str) -> str:
    return key_id(base64.urlsafe_b64decode(public_key + "=" * (-len(public_key) % 4)))


def refuse_known(uow: UnitOfWork, public_key: str) -> str:
    """The key's kid, unless it is registered already (for any agency)."""
    kid = kid_of(public_key)
    if uow.session.execute(sa.select(agency_notice_keys.c.kid).where(agency_notice_keys.c.kid == kid)).first():
        raise Conflict("该公钥已登记", "This key is already registered", kid=kid)
    return kid


def register(uow: UnitOfWork, agency: str, public_key: str, by: str, now: dt.datetime | None = None) -> str:
    """Put ``public_key`` in force for ``agency``; returns its kid."""
    kid = refuse_known(uow, public_key)
    at = now or dt.datetime.now(dt.UTC)
    uow.session.execute(
        agency_notice_keys.insert(),
        dict(kid=kid, agency=agency, public_key=public_key, registered_at=at, registered_by=by),
    )
    return kid


def lookup(uow: UnitOfWork, agency: str):
    """``kid -> raw public key`` for the agency's own keys only (None for anyone else's)."""

    def public_key(kid: str) -> bytes | None:
        row = uow.session.execute(
            sa.select(agency_notice_keys.c.public_key).where(
                agency_notice_keys.c.kid == kid,
                agency_notice_keys.c.agency == agency,
                agency_notice_keys.c.retired_at.is_(None),
            )
        ).scalar()
        return None if row is None else base64.urlsafe_b64decode(row + "=" * (-len(row) % 4))

    return public_key


def in_force(uow: UnitOfWork, agency: str, kid: str) -> str:
    """The public key of the agency's key ``kid`` that is still in force."""
    found = uow.session.execute(
        sa.select(agency_notice_keys.c.public_key).where(
            agency_notice_keys.c.kid == kid,
            agency_notice_keys.c.agency == agency,
            agency_notice_keys.c.retired_at.is_(None),
        )
    ).scalar()
    if found is None:
        raise NotFound("该机构没有这把在用的签名公钥", "The agency has no key in force with that kid")
    return found


def retire(uow: UnitOfWork, agency: str, kid: str, now: dt.datetime | None = None) -> None:
    in_force(uow, agency, kid)
    uow.session.execute(
        agency_notice_keys.update()
        .where(agency_notice_keys.c.kid == kid)
        .values(retired_at=now or dt.datetime.now(dt.UTC))
    )


def has_any(uow: UnitOfWork, agency: str) -> bool:
    """Whether any notice key was ever registered for the agency (in force or retired)."""
    found = uow.session.execute(
        sa.select(agency_notice_keys.c.kid).where(agency_notice_keys.c.agency == agency).limit(1)
    )
    return found.first() is not None


def kids(uow: UnitOfWork, agency: str) -> list[str]:
    """The agency's keys in force."""
    return list(
        uow.session.execute(
            sa.select(agency_notice_keys.c.kid)
            .where(agency_notice_keys.c.agency == agency, agency_notice_keys.c.retired_at.is_(None))
            .order_by(agency_notice_keys.c.registered_at)
        ).scalars()
    )
