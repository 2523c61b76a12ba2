"""Rotating the ID-digest key: a new secret under the old key id is refused at start-up (it would
re-key nothing and silently break every match); under a new id, with the old key kept as a
previous key, duplicates still match until ``rekey_id_digests`` has moved every digest."""

from __future__ import annotations

import dataclasses

import pytest

from registry.bootstrap import bootstrap
from registry.entrypoints.api.app import create_app
from registry.service_layer.digest_keys import DigestKeyChanged
from registry.service_layer.rekey import rekey_id_digests
from services.registry.tests.support import person_body

NEW_SECRET = "a-completely-new-id-digest-secret-0123456789abcdef"


def _with(registry, **changes):
    return bootstrap(dataclasses.replace(registry.settings, **changes), engine=registry.engine)


def test_a_new_secret_under_the_same_key_id_is_refused_at_start_up(registry, client):
    changed = _with(registry, id_digest_secret=NEW_SECRET)
    with pytest.raises(DigestKeyChanged, match="ID_DIGEST_KEY_ID 'k1'"):
        create_app(changed)
    with pytest.raises(DigestKeyChanged, match="ID_DIGEST_KEY_ID 'k1'"):
        _with(registry, id_digest_key_id="k2", id_digest_secret=NEW_SECRET,
              id_digest_previous_keys=f"k1={NEW_SECRET}x").pin_digest_keys()  # fmt: skip
    create_app(registry)  # the pinned secret itself still starts


def test_during_a_rotation_the_previous_key_still_matches_until_every_digest_is_rekeyed(registry, client, auth):
    body = person_body()
    assert client.post("/people", json=body, headers=auth()).status_code == 201
    rotated = _with(
        registry, id_digest_key_id="k2", id_digest_secret=NEW_SECRET,
        id_digest_previous_keys=f"k1={registry.settings.id_digest_secret}",
    )  # fmt: skip
    new_client = create_app(rotated).test_client()
    again = new_client.post("/people", json={**body, "name": "重复"}, headers=auth())
    assert again.status_code == 409  # matched under the previous key
    assert rekey_id_digests(rotated.uow, "k2") == 1 and rekey_id_digests(rotated.uow, "k2") == 0
    assert new_client.post("/people", json={**body, "name": "重复"}, headers=auth()).status_code == 409


def test_an_import_during_a_rotation_updates_the_record_not_yet_rekeyed(registry, client, auth):
    import io

    body = person_body()
    assert client.post("/people", json=body, headers=auth()).status_code == 201
    rotated = _with(
        registry, id_digest_key_id="k2", id_digest_secret=NEW_SECRET,
        id_digest_previous_keys=f"k1={registry.settings.id_digest_secret}",
    )  # fmt: skip
    new_client = create_app(rotated).test_client()
    csv = f"姓名,身份证号码,行政区划代码\n{body['name']},{body['id_number']},{body['unit_code']}\n".encode()
    for mode in ("dry_run", "good_rows"):
        r = new_client.post(f"/imports?mode={mode}", data={"file": (io.BytesIO(csv), "x.csv")}, headers=auth(),
                            content_type="multipart/form-data")  # fmt: skip
        rotated.import_runner().run_next()
        job = new_client.get(f"/imports/{r.get_json()['id']}", headers=auth()).get_json()
        assert (job["state"], job["created"], job["errors"]) == ("succeeded", 0, []), job
