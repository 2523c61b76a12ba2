"""Data requests, the hard cases an adversarial review found: a grant never supplies a field's own
purpose (sensitive values stay withheld), ends when its end passes whether or not the worker has run,
never reaches beyond the policy region in force, cannot be approved with an end in the past or a
malformed region, a refusal takes its waiting approval with it, and a grant can be renewed before it
ends."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sharing_gateway.adapters.data_request_tables import policy_grants
from sharing_gateway.domain import admission
from sharing_gateway.domain import grants as rule
from sharing_gateway.service_layer import dry_run

from .feed_helpers import api, feed, member_event
from .test_data_requests import PUBLISHED, SCORED, TOWN, application, apply_for, step

JOINED = "cn.tongxin.registry.person.category_joined.v1"
DEPUTY = (("npc", "county"),)


def _granted(client, gateway, keys, staff, items, decision=None):
    """The NPC applies for ``items``; gw1 reviews and proposes; the dry run is attached; gw2 approves."""
    made = apply_for(client, keys["npc"], *items)
    assert made.status_code == 201, made.get_json()
    rid = made.get_json()["id"]
    first, second = staff("gateway_admin", sub="gw1"), staff("gateway_admin", sub="gw2")
    assert step(client, rid, "review", first).status_code == 200
    proposed = step(client, rid, "decision", first, decision or {"outcome": "approve"})
    assert proposed.status_code == 200, proposed.get_json()
    key = gateway.settings.transform_digest_key()
    assert dry_run.attach_to_proposals(gateway.uow, gateway.policies, key, lambda: []) == 1
    approved = client.post(f"/admin-requests/{proposed.get_json()['admin_request_id']}/approve", headers=second)
    assert approved.status_code == 200, approved.get_json()
    return rid


def test_a_granted_values_field_still_loses_religious_and_ethnic_values_without_its_own_purpose(
    client, gateway, keys, staff, consume
):
    """A grant carries the request's purpose, not a purpose of the field's own: a granted `category` still
    loses religious and ethnic values (``policy_files``: they need a purpose named for the field)."""
    _granted(client, gateway, keys, staff, [(JOINED, ("person_id", "unit_code", "category"))])
    consume(member_event("p1", roles=DEPUTY))
    consume(member_event("p1", roles=DEPUTY, kind="category_joined", category="religious_figure",
                         effective_date="2026-01-01"))  # fmt: skip
    joined = [e for e in feed(client, keys["npc"])["entries"] if e["type"] == JOINED]
    assert joined, "the category_joined event reached the NPC"
    assert joined[-1]["data"].get("category") != "religious_figure"


def test_an_approval_cannot_grant_an_end_in_the_past(client, gateway, keys, staff):
    """A narrowing may shorten the end asked for, never to a day already past."""
    yesterday = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    made = apply_for(client, keys["npc"], (SCORED, ("official",)))
    rid = made.get_json()["id"]
    first = staff("gateway_admin", sub="gw1")
    step(client, rid, "review", first)
    narrowed = step(client, rid, "decision", first, {"outcome": "narrow", "ends_on": yesterday})
    assert narrowed.status_code == 422, narrowed.get_json()


def test_a_grant_past_its_end_is_not_in_force_even_before_the_worker_expires_it(client, gateway, keys, staff, consume):
    """A grant past its end is out of force at once (delivery, GET /agency, the catalogue), not when the worker
    next records the expiry."""
    rid = _granted(client, gateway, keys, staff, [(SCORED, ("official",))])
    with gateway.engine.begin() as conn:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        conn.execute(policy_grants.update().where(policy_grants.c.request_id == rid).values(ends_at=past))
    assert "official" not in client.get("/agency", headers=api(keys["npc"])).get_json()["receives"][SCORED]


def test_a_narrowed_region_with_a_trailing_newline_is_a_422_not_a_500(client, keys, staff):
    """A narrowed region must be exactly 12 ASCII digits: a trailing newline or another script's digits are a
    422 problem, not a 500."""
    rid = apply_for(client, keys["npc"], (SCORED, ("official",))).get_json()["id"]
    first = staff("gateway_admin", sub="gw1")
    step(client, rid, "review", first)
    for region in (TOWN + "\n", "٣٧٠٧٨٣٠٠١٠٠٠"):
        r = step(client, rid, "decision", first, {"outcome": "narrow", "region": region})
        assert r.status_code == 422 and r.mimetype == "application/problem+json", (region, r.status_code)


def test_a_refused_proposal_leaves_no_approval_pending(client, keys, staff):
    """Refusing a request whose approval waits for a second admin withdraws that approval too."""
    rid = apply_for(client, keys["npc"], (SCORED, ("official",))).get_json()["id"]
    first = staff("gateway_admin", sub="gw1")
    step(client, rid, "review", first)
    proposed = step(client, rid, "decision", first, {"outcome": "approve"}).get_json()
    refused = step(client, rid, "decision", first, {"outcome": "refuse", "reason_zh": "用途不明确"})
    assert refused.status_code == 200
    waiting = client.get("/admin-requests", headers=staff("gateway_admin", sub="gw2")).get_json()
    assert proposed["admin_request_id"] not in [r["id"] for r in waiting]


def test_an_agency_can_renew_a_grant_before_it_ends(client, keys):
    """A field sent only by a grant can be asked for again before the grant ends, so a renewal leaves no gap in
    the feed."""
    first = apply_for(client, keys["npc"], (PUBLISHED, ("name",)), days=7)
    assert first.get_json()["state"] == "granted"
    renewal = apply_for(client, keys["npc"], (PUBLISHED, ("name",)), days=300)
    assert renewal.status_code == 201, renewal.get_json()


def test_a_grant_never_reaches_beyond_the_policy_region_in_force(gateway):
    """A share that exists only through grants is still bounded by the region of the policy file in force (a
    file narrowed after the grant narrows the grant)."""
    npc = gateway.policies["npc"]
    city = dataclasses.replace(npc, region="370700000000")
    forever = dt.datetime.max.replace(tzinfo=dt.UTC)
    grant = rule.Grant(JOINED, ("person_id", "unit_code"), "370700000000", "履职", forever)
    assert rule.compose(city, [grant], 1).share_for(JOINED).regions is None  # the whole (old) region
    narrowed_file = dataclasses.replace(npc, region="370783000000", version=npc.version + 1)
    composed = rule.compose(narrowed_file, [grant], 1)
    data = {**member_event("p9", roles=DEPUTY).data, "unit_code": "370781001001"}  # another county
    assert admission.refusal(composed, JOINED, data, []) is not None


def test_idempotency_keys_are_per_agency(client, keys):
    """Sound (kept as a regression test): another agency's key is not a retry of its request."""
    headers = {"Idempotency-Key": "shared-key"}
    npc = apply_for(client, keys["npc"], (SCORED, ("official",)), headers=headers)
    cppcc = client.post(
        "/data-requests",
        json={**application((SCORED, ("official",))), "region": "370783000000"},
        headers={**api(keys["cppcc"]), **headers},
    )
    assert npc.status_code == 201 and cppcc.status_code in (201, 409, 422)
    if cppcc.status_code == 201:
        assert cppcc.get_json()["id"] != npc.get_json()["id"]
