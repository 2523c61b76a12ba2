"""Duplicates in the registry: an active ID number is registered once (the refusal points to the
record when the caller may see it), likely duplicates are listed, and a merge keeps both histories."""

from __future__ import annotations

from services.registry.tests.support import count, person_body


def test_hard_duplicates_point_to_the_existing_record(client, auth, create, registry):
    p = create()
    r = client.post("/people", json=person_body(id_number=p["id_number"].replace("*", "0")), headers=auth())
    assert r.status_code in (409, 422)  # a masked number read back is not a real number
    body = person_body()
    first = client.post("/people", json=body, headers=auth()).get_json()
    r = client.post("/people", json={**body, "name": "另一个人"}, headers=auth())
    assert r.status_code == 409
    assert r.get_json()["existing"] == f"/people/{first['id']}"
    assert count(registry) == 2


def test_likely_duplicates_and_merge_keep_both_histories(client, auth, create):
    a = create(name="刘洋", phone="13700000000")
    b = create(name="刘洋", phone="13700000000", categories=["non_public_economy"])
    groups = client.get("/duplicates", headers=auth()).get_json()
    assert {"rule": "name+phone", "name": "刘洋", "person_ids": [a["id"], b["id"]]} in groups
    client.patch(f"/people/{b['id']}", json={"employer": "寿光蔬菜协会"}, headers=auth(**{"If-Match": '"v1"'}))
    r = client.post(f"/people/{a['id']}/merge", json={"duplicate_id": b["id"]}, headers=auth())
    assert r.status_code == 200
    assert set(r.get_json()["current_categories"]) == {"non_party_representative", "non_public_economy"}
    merged = client.get(f"/people/{b['id']}", headers=auth()).get_json()
    assert (merged["status"], merged["merged_into"]) == ("archived", a["id"])
    actions = [
        (h["person_id"], h["action"]) for h in client.get(f"/people/{a['id']}/history", headers=auth()).get_json()
    ]
    assert (b["id"], "updated") in actions and (a["id"], "merged") in actions and (b["id"], "merged_away") in actions
    assert client.get("/duplicates", headers=auth()).get_json() == []
