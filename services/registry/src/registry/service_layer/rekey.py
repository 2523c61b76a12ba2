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

from registry.service_layer.unit_of_work import UowFactory

ACTOR = "registry-admin"


def rekey_id_digests(uow_factory: UowFactory, current_key_id: str, batch: int = 500) -> int:
    """Recompute and announce every digest not under ``current_key_id``, ``batch`` people per unit
    of work; returns how many. Pin the keys first (``digest_keys``): a new secret under a pinned key
    id must be refused before, since it would re-key nothing."""
    done = 0
    while True:
        with uow_factory(ACTOR) as uow:
            ids = uow.people.ids_with_other_digest_key(current_key_id, batch)
            if not ids:
                return done
            for person_id in ids:
                person = uow.people.get(person_id, for_update=True)
                person.rekey_id_digest()
                uow.people.save(person)
                uow.track(person)
            uow.commit()
        done += len(ids)
