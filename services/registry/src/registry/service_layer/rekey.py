"""Re-keying ID-number digests, so the ID-digest key can rotate.

Every digest carries its key id (``k1:...``). After the key changes (a new
``ID_DIGEST_KEY_ID`` with a new ``ID_DIGEST_SECRET``, set the same in the sharing
gateway), each stored digest under another key id is recomputed and its person is
announced again with an ``updated`` event naming ``id_digest``, so every
consumer's view (and so the matching of agency notices) moves to the new key.
``registry-admin migrate`` runs it, and it does nothing when every digest is current. A new
secret under the *same* key id is refused (``digest_keys``): it would re-key nothing.
"""

from __future__ import annotations

import sqlalchemy as sa

from registry.adapters.tables import people

ACTOR = "registry-admin"


def rekey_id_digests(registry, batch: int = 500) -> int:
    """Recompute and announce every digest not under the current key id; returns how many.
    Refuses (DigestKeyChanged) a new secret under a pinned key id: that would re-key nothing."""
    registry.pin_digest_keys()
    current = registry.settings.id_digest_key().key_id + ":"
    done = 0
    while True:
        with registry.engine.connect() as conn:
            ids = (
                conn.execute(sa.select(people.c.id).where(people.c.id_digest.not_like(current + "%")).limit(batch))
                .scalars()
                .all()
            )
        if not ids:
            return done
        with registry.uow(ACTOR) as uow:
            for person_id in ids:
                person = uow.people.get(person_id, for_update=True)
                person.rekey_id_digest()
                uow.people.save(person)
                uow.track(person)
            uow.commit()
        done += len(ids)
