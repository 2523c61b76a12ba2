"""申请–答复 end to end, over Kafka: the NPC applies for two conditional fields of the registry's
registration events; the review deadline is counted over the suite calendar's holiday; a gateway
admin reviews and narrows the grant (one field, one town), the worker attaches the dry run over
history, a second gateway admin approves; the NPC's feed then carries exactly that field, for
deputies in that town only; once the grant has ended the worker expires it and the feed stops carrying
it; every step is in the ledger and the chain verifies."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tests.e2e.conftest import HOME_A, HOME_B, TOWN_A, engine_of, feed, wait_for
from tests.e2e.test_scenarios import register

REGISTERED = "cn.tongxin.registry.person.registered.v1"


def test_the_npc_applies_a_narrower_grant_is_approved_and_expires(platform, as_staff, as_agency):
    registry = as_staff("registry", ("editor",))
    npc = as_agency("npc")
    first = as_staff("sharing-gateway", ("gateway_admin",), sub="e2e-gw-first")
    second = as_staff("sharing-gateway", ("gateway_admin",), sub="e2e-gw-second")
    auditor = as_staff("sharing-gateway", ("auditor",), sub="e2e-auditor")

    def registered(pid):
        return wait_for(
            lambda: next(iter(feed(npc, lambda e: e["type"] == REGISTERED and e["data"]["person_id"] == pid)), None),
            60, 0.5, f"{pid}'s registration in the NPC's feed",
        )  # fmt: skip

    before = register(registry, unit=HOME_A, roles=("npc",))  # history the dry run reads
    assert "birth_year" not in registered(before["id"])["data"]
    ends_on = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    body = {
        "items": [{"event": REGISTERED, "fields": ["birth_year", "gender"]}],
        "purpose": "代表资格审查中核对年龄",
        "legal_basis": "《代表法》第四十九条",
        "region": "370783000000",
        "ends_on": ends_on,
    }
    applied = npc.post("/data-requests", json=body, headers={"Idempotency-Key": f"e2e-{platform.db}"})
    assert applied.status_code == 201, applied.text
    request = applied.json()
    assert request["state"] == "submitted" and request["items"] == body["items"]
    submitted = dt.datetime.fromisoformat(request["submitted_at"])
    # two working days, the holiday (HOLIDAY, a day or two ahead) between them skipped: three days of the clock
    assert dt.datetime.fromisoformat(request["due_at"]) - submitted == dt.timedelta(days=3)

    rid = request["id"]
    assert first.post(f"/data-requests/{rid}/review").json()["state"] == "reviewed"
    narrowed = {"outcome": "narrow", "items": [{"event": REGISTERED, "fields": ["birth_year"]}], "region": TOWN_A}
    proposed = first.post(f"/data-requests/{rid}/decision", json=narrowed).json()
    assert proposed["state"] == "proposed" and proposed["decision"]["outcome"] == "narrowed"
    dry_run = wait_for(
        lambda: second.get(f"/data-requests/{rid}").json()["decision"].get("dry_run"), 60, 0.5, "the dry run attached"
    )
    assert "birth_year" in dry_run["events"][REGISTERED]["fields"]
    assert "gender" not in dry_run["events"][REGISTERED]["fields"]
    assert dry_run["events"][REGISTERED]["with_granted_fields"] >= 1  # at least the deputy registered above
    approved = second.post(f"/admin-requests/{proposed['admin_request_id']}/approve")
    assert approved.status_code == 200, approved.text
    version = approved.json()["policy_version"]
    assert npc.get("/agency").json()["policy_version"] == version

    in_town = register(registry, unit=HOME_A, roles=("npc",))
    elsewhere = register(registry, unit=HOME_B, roles=("npc",))

    granted, not_granted = registered(in_town["id"]), registered(elsewhere["id"])
    assert granted["data"]["birth_year"] == int(in_town["id_number"][6:10]) and granted["policyversion"] == version
    assert "birth_year" not in not_granted["data"] and "gender" not in granted["data"]

    # the grant's end has come (moved to the past, as the calendar would): the worker expires it
    gateway_db = engine_of(platform, "sharing-gateway")
    with gateway_db.begin() as conn:
        conn.execute(
            sa.text("UPDATE policy_grants SET ends_at = :past WHERE request_id = :rid"),
            {"past": dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1), "rid": rid},
        )
    gateway_db.dispose()
    expired = wait_for(
        lambda: (v := npc.get("/agency").json()["policy_version"]) != version and v, 30, 0.5, "the grant expired"
    )
    later = register(registry, unit=HOME_A, roles=("npc",))
    after = registered(later["id"])
    assert "birth_year" not in after["data"] and after["policyversion"] == expired

    steps, position = [], 0
    while page := auditor.get("/ledger", params={"agency": "npc", "after": position, "limit": 1000}).json():
        steps += [r["event_type"] for r in page if r["event_type"].startswith("cn.tongxin.gateway.data_")]
        position = page[-1]["position"]
    for step in ("applied", "reviewed", "proposed", "narrowed"):
        assert f"cn.tongxin.gateway.data_request.{step}" in steps
    assert "cn.tongxin.gateway.data_grant.expired" in steps
    assert auditor.get("/ledger/verify").json()["ok"] is True
