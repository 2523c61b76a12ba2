"""Issue 15's gateway breaks, tried as an attacker would: a town admin minting a key for the county
court, one person issuing a key or bringing a policy into force alone. Each is refused, writes
nothing, and what is approved is in the disclosure ledger."""

from __future__ import annotations

import sqlalchemy as sa
from sharing_gateway.adapters.tables import admin_requests, agencies, agency_keys, feed_entries, held_events, ledger

from .feed_helpers import feed, member_event

TOWN = "370783001000"


def counts(gateway) -> dict:
    with gateway.engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in (admin_requests, agency_keys, ledger, feed_entries)
        }


def test_a_town_admin_cannot_issue_a_key_for_the_court(client, keys, gateway, staff):
    before = counts(gateway)
    for roles in (("admin",), ("gateway_admin",), ("admin", "gateway_admin")):
        r = client.post("/agencies/court/key-requests", headers=staff(*roles, unit=TOWN, sub="town-admin"))
        assert r.status_code == 403 and r.content_type == "application/problem+json"
        assert "court" not in r.get_data(as_text=True) and "370783000000" not in r.get_data(as_text=True)
    assert client.post("/agencies/court/pause", json={}, headers=staff("gateway_admin", unit=TOWN)).status_code == 403
    assert counts(gateway) == before


def test_a_key_needs_a_second_gateway_admin_and_both_steps_are_in_the_ledger(client, keys, gateway, staff):
    alice, bob = staff("gateway_admin", sub="alice"), staff("gateway_admin", sub="bob")
    asked = client.post("/agencies/court/key-requests", headers=alice).get_json()
    assert asked["state"] == "pending" and asked["requested_by"] == "alice"
    again = client.post("/agencies/court/key-requests", headers=bob)
    assert again.status_code == 409 and again.get_json()["waiting_request_id"] == asked["id"]  # one at a time
    before = counts(gateway)
    refused = client.post(f"/admin-requests/{asked['id']}/approve", headers=alice)
    assert refused.status_code == 403 and "cannot approve their own" in refused.get_json()["detail_en"]
    assert client.post(f"/admin-requests/{asked['id']}/approve", headers=staff("admin", sub="carol")).status_code == 403
    assert counts(gateway) == before
    assert [r["id"] for r in client.get("/admin-requests", headers=bob).get_json()] == [asked["id"]]
    approved = client.post(f"/admin-requests/{asked['id']}/approve", headers=bob).get_json()
    assert approved["approved_by"] == "bob" and feed(client, approved["api_key"])["agency"] == "court"
    again = client.post(f"/admin-requests/{asked['id']}/approve", headers=staff("gateway_admin", sub="dan"))
    assert again.status_code == 409
    records = client.get("/ledger", headers=staff("auditor"), query_string={"agency": "court"}).get_json()
    admin = [(r["event_type"], r["event_id"]) for r in records if ".admin." in r["event_type"]]
    assert admin == [
        ("cn.tongxin.gateway.admin.key_requested", f"{asked['id']}:requested"),
        ("cn.tongxin.gateway.admin.key_issued", f"{asked['id']}:approved"),
    ]
    assert client.get("/ledger/verify", headers=staff("auditor")).get_json()["ok"] is True


def test_a_changed_policy_holds_events_until_a_second_gateway_admin_approves_it(client, keys, gateway, staff, consume):
    deployed = gateway.policies["npc"].version_label
    with gateway.engine.begin() as conn:  # as if an older version were in force when the file changed
        conn.execute(agencies.update().where(agencies.c.code == "npc").values(policy_version="npc@v0#old"))
    consume(member_event("a", roles=(("npc", "county"),)))
    assert feed(client, keys["npc"])["entries"] == []
    with gateway.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(held_events)).scalar() == 1
    status = {a["code"]: a for a in client.get("/agencies", headers=staff("auditor")).get_json()}
    assert status["npc"]["policy_awaiting"] == deployed
    alice, bob = staff("gateway_admin", sub="alice"), staff("gateway_admin", sub="bob")
    asked = client.post("/agencies/npc/policy-activations", headers=alice).get_json()
    assert asked["policy_version"] == deployed
    assert client.post(f"/admin-requests/{asked['id']}/approve", headers=alice).status_code == 403
    assert feed(client, keys["npc"])["entries"] == []
    assert client.post(f"/admin-requests/{asked['id']}/approve", headers=bob).status_code == 200
    entries = feed(client, keys["npc"])["entries"]
    assert [(e["sequence"], e["policyversion"]) for e in entries] == [(1, deployed)]
    assert client.post("/agencies/npc/policy-activations", headers=alice).status_code == 409  # already in force
    types = [r["event_type"] for r in client.get("/ledger", headers=staff("auditor")).get_json()]
    assert "cn.tongxin.gateway.admin.policy_activation_requested" in types
    assert "cn.tongxin.gateway.admin.policy_activated" in types
