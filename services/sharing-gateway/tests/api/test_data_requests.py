"""Data requests on SQLite and PostgreSQL (申请–答复): an agency applies, a gateway admin reviews and
answers, a second one carries out an approval, the feed follows the grant exactly and stops at its
end; a not_shared item or a refusal changes nothing; a late request escalates; every step is in the
ledger and the chain verifies."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sharing_gateway.adapters.data_request_tables import data_requests, policy_grants
from sharing_gateway.adapters.tables import ledger
from sharing_gateway.service_layer import data_answers, data_grants, dry_run

from chassis.events import Envelope

from .feed_helpers import api, feed, member_event

SCORED = "cn.tongxin.evaluation.person.scored.v1"
PUBLISHED = "cn.tongxin.evaluation.round.published.v1"
URGENT = "cn.tongxin.servicedesk.incident.urgent.v1"
COUNTY, TOWN = "370783000000", "370783001000"
IN_TOWN, IN_OTHER_TOWN = "370783001001", "370783002001"


def application(*items, region=COUNTY, days=30):
    return {
        "items": [{"event": e, "fields": list(f)} for e, f in items],
        "purpose": "人大代表履职评价",
        "legal_basis": "《代表法》",
        "region": region,
        "ends_on": (dt.date.today() + dt.timedelta(days=days)).isoformat(),
    }


def apply_for(client, key, *items, headers=None, **kw):
    return client.post("/data-requests", json=application(*items, **kw), headers={**api(key), **(headers or {})})


def step(client, request_id, path, headers, body=None):
    return client.post(f"/data-requests/{request_id}/{path}", json=body, headers=headers)


def count(gateway, table) -> int:
    with gateway.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def ledger_types(gateway) -> list[str]:
    with gateway.engine.connect() as conn:
        rows = conn.execute(sa.select(ledger.c.event_type).order_by(ledger.c.position))
        return [t for (t,) in rows if t.startswith("cn.tongxin.gateway.data_")]


def scored(pid, unit):
    data = {"round_id": "r1", "person_id": pid, "unit_code": unit, "composite": "80.00", "official": "81.00",
            "self": "82.00", "public": "79.00", "rank": 1, "cohort_size": 2, "status": "ranked"}  # fmt: skip
    return Envelope.new(type=SCORED, source="/tongxin/evaluation", subject=pid, data=data)


def test_a_not_shared_item_refuses_the_application_at_once_and_stores_nothing(gateway, client, keys):
    before = count(gateway, ledger)
    r = client.post("/data-requests", json=application((URGENT, ("unit_code", "category"))), headers=api(keys["npc"]))
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert r.get_json()["items"] == [f"{URGENT}.category"]
    assert "不予共享" in r.get_json()["detail"] and "not_shared" in r.get_json()["detail_en"]
    assert count(gateway, data_requests) == 0 and count(gateway, ledger) == before


def test_unconditional_items_are_granted_at_once_and_granted_items_pointed_out(client, keys, gateway):
    r = client.post("/data-requests", json=application((PUBLISHED, ("round_id", "name"))), headers=api(keys["npc"]))
    assert r.status_code == 201, r.get_json()
    made = r.get_json()
    assert made["state"] == "granted"
    assert made["granted_at_once"] == [{"event": PUBLISHED, "fields": ["round_id", "name"]}]
    me = client.get("/agency", headers=api(keys["npc"])).get_json()
    assert me["receives"][PUBLISHED] == ["round_id", "name"] and me["policy_version"].endswith("+g1")
    assert ledger_types(gateway) == [
        "cn.tongxin.gateway.data_request.applied",
        "cn.tongxin.gateway.data_request.granted_unconditional",
    ]
    again = apply_for(client, keys["npc"], (PUBLISHED, ("name",)), (SCORED, ("rank", "official"))).get_json()
    # rank is in the policy file: already sent for good. name came from a grant: asking again renews it.
    assert again["already_granted"] == [{"event": SCORED, "fields": ["rank"]}]
    assert again["granted_at_once"] == [{"event": PUBLISHED, "fields": ["name"]}]
    assert again["items"] == [{"event": SCORED, "fields": ["official"]}] and again["state"] == "submitted"
    everything = client.post("/data-requests", json=application((SCORED, ("rank",))), headers=api(keys["npc"]))
    assert everything.status_code == 409 and count(gateway, data_requests) == 2


def test_an_agency_sees_only_its_own_requests_and_a_retry_is_the_same_request(client, keys):
    body = application((SCORED, ("official",)))
    headers = {**api(keys["npc"]), "Idempotency-Key": "npc-2026-001"}
    first = client.post("/data-requests", json=body, headers=headers)
    retry = client.post("/data-requests", json=body, headers=headers)
    assert (first.status_code, retry.status_code) == (201, 200) and first.get_json()["id"] == retry.get_json()["id"]
    other = client.post("/data-requests", json={**body, "purpose": "另一用途"}, headers=headers)
    assert other.status_code == 409
    request_id = first.get_json()["id"]
    assert [q["id"] for q in client.get("/data-requests", headers=api(keys["npc"])).get_json()] == [request_id]
    assert client.get("/data-requests", headers=api(keys["cppcc"])).get_json() == []
    foreign = client.get(f"/data-requests/{request_id}", headers=api(keys["cppcc"]))
    made_up = client.get("/data-requests/made-up", headers=api(keys["cppcc"]))
    assert foreign.status_code == made_up.status_code == 404  # another agency's request is one that does not exist
    assert {**foreign.get_json(), "request_id": None} == {**made_up.get_json(), "request_id": None}
    answer = step(client, request_id, "information", api(keys["cppcc"]), {"information": "x"})
    assert answer.status_code == 404
    outside = apply_for(client, keys["npc"], (SCORED, ("self",)), region="370781000000")
    assert outside.status_code == 422


def test_a_refused_request_changes_nothing(client, keys, staff, gateway):
    agency_before = client.get("/agency", headers=api(keys["npc"])).get_json()
    request_id = apply_for(client, keys["npc"], (SCORED, ("official",))).get_json()["id"]
    admin = staff("gateway_admin", sub="gw1")
    assert client.post(f"/data-requests/{request_id}/review", headers=admin).get_json()["state"] == "reviewed"
    no_reason = client.post(f"/data-requests/{request_id}/decision", json={"outcome": "refuse"}, headers=admin)
    assert no_reason.status_code == 422
    refused = step(client, request_id, "decision", admin, {"outcome": "refuse", "reason_zh": "用途不需要分项得分"})
    refused = refused.get_json()
    assert refused["state"] == "refused" and refused["decision"]["reason_zh"] == "用途不需要分项得分"
    assert refused["due_at"] is None and refused["answered_at"]
    assert client.get("/agency", headers=api(keys["npc"])).get_json() == agency_before
    assert count(gateway, policy_grants) == 0
    assert ledger_types(gateway)[-3:] == [
        "cn.tongxin.gateway.data_request.applied",
        "cn.tongxin.gateway.data_request.reviewed",
        "cn.tongxin.gateway.data_request.refused",
    ]
    assert client.post(f"/data-requests/{request_id}/review", headers=admin).status_code == 409


def test_a_request_waiting_for_information_pauses_its_clock(client, keys, staff):
    request_id = apply_for(client, keys["npc"], (SCORED, ("official",))).get_json()["id"]
    assert client.get(f"/data-requests/{request_id}", headers=api(keys["npc"])).get_json()["due_at"]
    admin = staff("gateway_admin")
    asked = step(client, request_id, "information-requests", admin, {"question": "请说明用途"}).get_json()
    assert asked["state"] == "waiting" and asked["due_at"] is None and asked["question"] == "请说明用途"
    answered = step(client, request_id, "information", api(keys["npc"]), {"information": "述职评议"})
    assert answered.status_code == 200 and answered.get_json()["state"] == "submitted" and answered.get_json()["due_at"]


def test_an_overdue_request_escalates_once(client, keys, staff, gateway):
    request_id = apply_for(client, keys["npc"], (SCORED, ("official",))).get_json()["id"]
    assert data_answers.escalate_overdue(gateway.uow, gateway.calendar, gateway.policies) == 0
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=20)
    assert data_answers.escalate_overdue(gateway.uow, gateway.calendar, gateway.policies, later) == 1
    assert data_answers.escalate_overdue(gateway.uow, gateway.calendar, gateway.policies, later) == 0
    shown = client.get(f"/data-requests/{request_id}", headers=staff("auditor")).get_json()
    assert shown["escalated"] == ["review"]
    assert ledger_types(gateway)[-1] == "cn.tongxin.gateway.data_request.escalated"


def test_a_narrowed_approval_changes_the_feed_exactly_and_expiry_reverts_it(client, keys, staff, gateway, consume):
    deputies = (("npc", "county"),)
    consume(member_event("p1", roles=deputies), member_event("p2", roles=deputies, unit_code=IN_OTHER_TOWN))
    request_id = client.post(
        "/data-requests", json=application((SCORED, ("official", "self"))), headers=api(keys["npc"])
    ).get_json()["id"]
    first, second = staff("gateway_admin", sub="gw1"), staff("gateway_admin", sub="gw2")
    client.post(f"/data-requests/{request_id}/review", headers=first)
    wider = step(client, request_id, "decision", first, {"outcome": "narrow", "region": "370700000000"})
    assert wider.status_code == 422
    never_asked = {"outcome": "narrow", "items": [{"event": SCORED, "fields": ["rank"]}]}
    unasked = step(client, request_id, "decision", first, never_asked)
    assert unasked.status_code == 422 and unasked.get_json()["items"] == [f"{SCORED}.rank"]
    proposed = client.post(
        f"/data-requests/{request_id}/decision",
        json={"outcome": "narrow", "items": [{"event": SCORED, "fields": ["official"]}], "region": TOWN},
        headers=first,
    ).get_json()
    assert proposed["state"] == "proposed" and proposed["decision"]["outcome"] == "narrowed"
    assert client.post(f"/admin-requests/{proposed['admin_request_id']}/approve", headers=first).status_code == 403
    too_soon = client.post(f"/admin-requests/{proposed['admin_request_id']}/approve", headers=second)
    assert too_soon.status_code == 409 and "dry run" in too_soon.get_json()["detail_en"]
    # the worker's dry run over history: what the NPC would have received under the narrowed grant
    history = [("evaluation.v1", n, e) for n, e in enumerate((scored("p1", IN_TOWN), scored("p2", IN_OTHER_TOWN)))]
    key = gateway.settings.transform_digest_key()
    assert dry_run.attach_to_proposals(gateway.uow, gateway.policies, key, lambda: history) == 1
    attached = client.get(f"/data-requests/{request_id}", headers=second).get_json()["decision"]["dry_run"]
    assert attached["events"] == {
        SCORED: {
            "delivered": 2,
            "with_granted_fields": 1,  # only the deputy in the approved town
            "fields": ["cohort_size", "composite", "official", "person_id", "rank", "round_id", "status", "unit_code"],
        }
    }
    assert attached["policy_version"].endswith("+g1")
    assert "dry_run" not in client.get(f"/data-requests/{request_id}", headers=api(keys["npc"])).get_json()["decision"]
    approved = client.post(f"/admin-requests/{proposed['admin_request_id']}/approve", headers=second)
    assert approved.status_code == 200, approved.get_json()
    version = approved.get_json()["policy_version"]
    assert version.endswith("+g1")
    assert client.get(f"/data-requests/{request_id}", headers=api(keys["npc"])).get_json()["state"] == "granted"
    me = client.get("/agency", headers=api(keys["npc"])).get_json()
    assert me["policy_version"] == version and me["limited_to_regions"] == {SCORED: {"official": [TOWN]}}

    consume(scored("p1", IN_TOWN), scored("p2", IN_OTHER_TOWN))
    entries = {e["data"]["person_id"]: e for e in feed(client, keys["npc"])["entries"] if e["type"] == SCORED}
    assert entries["p1"]["data"]["official"] == "81.00" and "self" not in entries["p1"]["data"]
    assert "official" not in entries["p2"]["data"]  # outside the approved region
    assert entries["p1"]["policyversion"] == version

    after_end = dt.datetime.now(dt.UTC) + dt.timedelta(days=40)
    assert data_grants.expire_due(gateway.uow, gateway.policies, after_end) == 1
    me = client.get("/agency", headers=api(keys["npc"])).get_json()
    assert me["policy_version"].endswith("+g2") and "official" not in me["receives"][SCORED]
    consume(scored("p1", IN_TOWN))
    last = feed(client, keys["npc"])["entries"][-1]
    assert last["type"] == SCORED and "official" not in last["data"] and last["policyversion"].endswith("+g2")
    assert ledger_types(gateway) == [
        "cn.tongxin.gateway.data_request.applied",
        "cn.tongxin.gateway.data_request.reviewed",
        "cn.tongxin.gateway.data_request.proposed",
        "cn.tongxin.gateway.data_request.narrowed",
        "cn.tongxin.gateway.data_grant.expired",
    ]
    assert client.get("/ledger/verify", headers=staff("auditor")).get_json()["ok"] is True
