"""The gateway's own Ed25519 keys and when each was in use, so that an entry or a checkpoint
signed before a rotation still verifies against what ``/.well-known/tongxin-feed-keys`` serves.

The private key lives in ``SIGNING_KEY_FILE`` only; the database keeps each public key with its
``not_before`` and ``not_after``. ``gateway-admin migrate`` records the key in the file,
``gateway-admin rotate-signing-key`` writes a new one and closes the old one's period. The API
and the worker load the file when they start, so restart both after a rotation.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from sharing_gateway.adapters.tables import feed_signing_keys
from sharing_gateway.domain import signing
from sharing_gateway.service_layer.unit_of_work import UnitOfWork, UowFactory


def record(uow: UnitOfWork, signer: signing.Signer, now: dt.datetime | None = None) -> None:
    """Record the key in use, if it is new (its period starts now)."""
    jwk = signer.jwk()
    if uow.session.execute(sa.select(feed_signing_keys.c.kid).where(feed_signing_keys.c.kid == jwk["kid"])).first():
        return
    uow.session.execute(
        feed_signing_keys.insert(),
        dict(kid=jwk["kid"], public_key=jwk["x"], not_before=now or dt.datetime.now(dt.UTC), not_after=None),
    )


def rotate(uow_factory: UowFactory, path: Path, now: dt.datetime | None = None) -> signing.Signer:
    """A new key in ``path``; every older key's period ends now (their public keys stay published)."""
    with uow_factory() as uow:
        signer = _rotate(uow, path, now or dt.datetime.now(dt.UTC))
        uow.commit()
        return signer


def _rotate(uow: UnitOfWork, path: Path, now: dt.datetime) -> signing.Signer:
    if path.exists():
        record(uow, signing.load(path), now)  # an old key never recorded still gets its period
    uow.session.execute(feed_signing_keys.update().where(feed_signing_keys.c.not_after.is_(None)).values(not_after=now))
    signer = signing.write_new(path)
    record(uow, signer, now)
    return signer


def published(uow: UnitOfWork, current: signing.Signer) -> list[dict]:
    """Every key with its validity period (ISO 8601; ``not_after`` null while in use), newest first."""
    rows = (
        uow.session.execute(sa.select(feed_signing_keys).order_by(feed_signing_keys.c.not_before.desc()))
        .mappings()
        .all()
    )
    keys = [
        {
            **signing.public_jwk(signing.unb64(r["public_key"])),
            "not_before": _iso(r["not_before"]),
            "not_after": _iso(r["not_after"]),
        }
        for r in rows
    ]
    if current.kid not in {k["kid"] for k in keys}:  # a key mounted but not yet recorded by migrate
        keys.insert(0, {**current.jwk(), "not_before": None, "not_after": None})
    return keys


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()
