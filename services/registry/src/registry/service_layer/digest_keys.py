"""Pinning the ID-digest key: a new secret under an old key id is refused at start-up.

Every stored and shared ID digest names its key id (``k1:...``), and ``rekey_id_digests``
re-announces only digests under another id. A secret changed while ``ID_DIGEST_KEY_ID``
stays the same would therefore re-key nothing, and every stored digest would silently stop
matching agency notices and duplicate checks. So the registry keeps, per key id, the
key's digest of a fixed probe value (a fingerprint: it reveals nothing of the secret) and
refuses to start when the configured secret does not give the pinned fingerprint.

During a rotation, ``ID_DIGEST_PREVIOUS_KEYS`` (``k1=<old secret>``) keeps the old key for
matching until ``registry-admin migrate`` has re-keyed every digest.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis.digests import DigestKey
from registry.adapters.tables import digest_keys
from registry.service_layer.unit_of_work import UowFactory

PROBE = "tongxin:id-digest-key-fingerprint"
STARTUP = "system:startup"  # the actor of the start-up check (it writes no history)


class DigestKeyChanged(RuntimeError):
    """The secret behind a key id differs from the one its digests were made with."""


def fingerprint(key: DigestKey) -> str:
    return key(PROBE)


def pin_digest_keys(uow_factory: UowFactory, current: DigestKey, previous: list[DigestKey]) -> None:
    """Record the fingerprint of each configured key id seen for the first time; raise
    DigestKeyChanged when a known key id now comes with another secret (at start-up, before any actor)."""
    with uow_factory(STARTUP) as uow:
        conn = uow.session
        if not sa.inspect(conn.connection()).has_table(digest_keys.name):
            return  # not migrated yet: ``registry-admin migrate`` pins the key
        pinned = dict(conn.execute(sa.select(digest_keys.c.key_id, digest_keys.c.fingerprint)).all())
        for key, variable in [(current, "ID_DIGEST_SECRET"), *((k, "ID_DIGEST_PREVIOUS_KEYS") for k in previous)]:
            if key.key_id not in pinned:
                conn.execute(
                    digest_keys.insert().values(
                        key_id=key.key_id, fingerprint=fingerprint(key), first_used_at=dt.datetime.now(dt.UTC)
                    )
                )
            elif pinned[key.key_id] != fingerprint(key):
                raise DigestKeyChanged(
                    f"{variable} holds a different secret for ID_DIGEST_KEY_ID {key.key_id!r} than the one its "
                    f"stored digests were made with, so they would silently stop matching. Give a new secret a "
                    f"new ID_DIGEST_KEY_ID (e.g. k{len(pinned) + 1}), keep the old pair in ID_DIGEST_PREVIOUS_KEYS "
                    f"({key.key_id}=<old secret>) and run `registry-admin migrate` to re-key"
                )
        uow.commit()
