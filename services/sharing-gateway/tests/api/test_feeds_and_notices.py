"""The gateway on SQLite and PostgreSQL: notices in with signed receipts, feeds out filtered by
policy, audience and region, gap-free and signed; isolation between agencies; pause and resume;
key rotation; the ledger and its verification; refusal to start on a bad policy."""

from __future__ import annotations

import datetime as dt
import secrets
import time

import pytest
import sqlalchemy as sa
from sharing_gateway import notice_sender
from sharing_gateway.adapters.tables import agency_keys, notices
from sharing_gateway.bootstrap import bootstrap
from sharing_gateway.config import GatewaySettings
from sharing_gateway.domain import policy as policies
from sharing_gateway.domain import policy_files, signing
from sharing_gateway.domain.signing import SigningKeyMissing
from sharing_gateway.service_layer import agency_access, signing_keys

from chassis.events import Envelope

from .. import conftest as c
from .feed_helpers import api, feed, member_event, notice


def test_audiences_transforms_and_regions(client, keys, consume):
    consume(
        member_event("p1", roles=(("cppcc", "county"),)),
        member_event("p2", roles=(("npc", "county"),)),
        member_event("p3", roles=(), unit_code="370781001001"),
    )
    # p1 loses the CPPCC role: the CPPCC still hears of it (the roles before the change count).
    consume(
        member_event(
            "p1",
            roles=(),
            version=2,
            kind="representative_changed",
            previous_roles=[{"body": "cppcc", "level": "county", "title": None, "since": None}],
            reason="换届",
        )
    )
    scored = [
        Envelope.new(
            type="cn.tongxin.evaluation.person.scored.v1",
            source="/tongxin/evaluation",
            subject=p,
            data={
                "round_id": "r1",
                "person_id": p,
                "unit_code": "370783001001",
                "composite": "80.00",
                "official": "80.00",
                "self": "80.00",
                "public": "80.00",
                "rank": 1,
                "cohort_size": 2,
                "status": "ranked",
            },
        )
        for p in ("p1", "p2")
    ]
    consume(*scored)
    cppcc = feed(client, keys["cppcc"])["entries"]
    npc = feed(client, keys["npc"])["entries"]
    assert [(e["type"].split(".")[-2], e["data"].get("person_id")) for e in cppcc] == [
        ("updated", "p1"),
        ("representative_changed", "p1"),
    ]
    assert [(e["type"].split(".")[-2], e["data"].get("person_id")) for e in npc] == [
        ("updated", "p2"),
        ("scored", "p2"),
    ]
    changed = cppcc[1]["data"]
    assert "id_masked" not in changed and "id_digest" not in changed and "birth_date" not in changed
    assert set(changed) <= set(policy_files.load_dir(c.POLICIES)["cppcc"].share_for(cppcc[1]["type"]).sent_fields())
    assert feed(client, keys["court"])["entries"] == [] and feed(client, keys["public_security"])["entries"] == []


def test_an_urgent_incident_reaches_public_security_with_minimal_fields(client, keys, consume):
    incident = Envelope.new(
        type="cn.tongxin.servicedesk.incident.urgent.v1",
        source="/tongxin/servicedesk",
        subject="r1",
        data={
            "request_id": "r1",
            "person_id": "p1",
            "name_masked": "王*明",
            "unit_code": "370783001001",
            "category": "medical",
            "summary": "劳资纠纷，有聚集苗头",
            "reported_at": "2026-11-27T04:00:00+00:00",
        },
    )
    consume(incident, incident)  # redelivered: still once
    (entry,) = feed(client, keys["public_security"])["entries"]
    # No category: "medical" would tell public security about a member's health.
    assert set(entry["data"]) == {"request_id", "name_masked", "unit_code", "summary", "reported_at"}
    assert all(feed(client, keys[a])["entries"] == [] for a in ("court", "cppcc", "npc"))


def test_feeds_are_gap_free_in_order_and_long_polled(client, keys, consume):
    for i in range(7):
        consume(member_event(f"q{i}", roles=(("npc", "county"),)))
    page1 = feed(client, keys["npc"], limit=3)
    page2 = feed(client, keys["npc"], after=page1["next_after"], limit=10)
    seqs = [e["sequence"] for e in page1["entries"] + page2["entries"]]
    assert seqs == list(range(1, 8)) and page2["head"] == 7
    replay = feed(client, keys["npc"], after=2, limit=2)
    assert [e["sequence"] for e in replay["entries"]] == [3, 4] and replay["entries"] == page1["entries"][2:] + page2[
        "entries"
    ][:1]
    began = time.monotonic()
    empty = feed(client, keys["npc"], after=7, wait=1)
    assert empty["entries"] == [] and empty["next_after"] == 7 and time.monotonic() - began >= 0.9


def test_pause_holds_and_resume_delivers_in_order(client, keys, staff, consume):
    consume(member_event("a", roles=(("npc", "county"),)))
    gateway_admin = staff("gateway_admin")
    assert client.post("/agencies/npc/pause", json={"reason": "系统维护"}, headers=gateway_admin).get_json()["paused"]
    assert client.post("/agencies/npc/pause", json={}, headers=gateway_admin).status_code == 409
    assert client.post("/agencies/npc/pause", json={}, headers=staff("admin")).status_code == 403
    assert client.post("/agencies/npc/pause", json={}, headers=staff("auditor")).status_code == 403
    consume(member_event("b", roles=(("npc", "county"),)), member_event("c", roles=(("npc", "county"),)))
    status = {a["code"]: a for a in client.get("/agencies", headers=staff("auditor")).get_json()}
    assert status["npc"]["held"] == 2 and status["npc"]["last_seq"] == 1
    assert client.post("/agencies/npc/resume", json={}, headers=staff("admin")).status_code == 403  # not admin's duty
    client.post("/agencies/npc/resume", json={}, headers=staff("gateway_admin"))
    entries = feed(client, keys["npc"])["entries"]
    assert [(e["sequence"], e["data"]["person_id"]) for e in entries] == [(1, "a"), (2, "b"), (3, "c")]


def test_keys_rotate_with_an_overlap(client, keys, gateway, staff):
    asked = client.post("/agencies/court/key-requests", headers=staff("gateway_admin", sub="gw-a"))
    assert asked.status_code == 201 and "api_key" not in asked.get_json()
    r = client.post(f"/admin-requests/{asked.get_json()['id']}/approve", headers=staff("gateway_admin", sub="gw-b"))
    assert r.status_code == 200
    new = r.get_json()["api_key"]
    assert feed(client, new)["agency"] == "court" and feed(client, keys["court"])["agency"] == "court"
    with gateway.engine.connect() as conn:
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)
        assert agency_access.authenticate(gateway.uow, new, later) == "court"
        with pytest.raises(Exception, match="Invalid or expired"):
            agency_access.authenticate(gateway.uow, keys["court"], later)
        assert conn.execute(sa.select(sa.func.count()).where(agency_keys.c.agency == "court")).scalar() == 2
    assert client.post("/agencies/court/key-requests", headers=staff("auditor")).status_code == 403
    assert client.post("/agencies/court/key-requests", headers=staff("admin")).status_code == 403


def test_the_ledger_records_every_delivery_and_notice(client, keys, gateway, staff, consume, post_notice):
    consume(member_event("p1"), member_event("p2", roles=(("npc", "county"),)))
    assert post_notice("court", notice()).status_code == 201
    records = client.get("/ledger", headers=staff("auditor")).get_json()
    assert [(r["position"], r["agency"], r["sequence"], r["event_type"]) for r in records] == [
        (1, "cppcc", 1, "cn.tongxin.registry.person.updated.v1"),
        (2, "npc", 1, "cn.tongxin.registry.person.updated.v1"),
        (3, "court", 0, "cn.tongxin.notice.violation.v1"),
        (4, "court", 1, "cn.tongxin.gateway.receipt.v1"),
    ]
    assert records[0]["fields"] == sorted(feed(client, keys["cppcc"])["entries"][0]["data"]) and records[0][
        "policy_version"
    ].startswith(f"cppcc@v{policy_files.load_dir(c.POLICIES)['cppcc'].version}#")
    assert client.get("/ledger", headers=staff("viewer")).status_code == 403
    assert client.get("/ledger/verify", headers=staff("auditor")).get_json() == {
        "ok": True,
        "records": 4,
        "position": None,
        "problem": None,
        "checkpoints": 0,
        "vouched_through": 0,
        "entries": 0,
        "not_yet_vouched": 4,  # no checkpoint yet
    }


def test_the_gateway_refuses_to_start_on_a_policy_it_cannot_honour(tmp_path):
    (tmp_path / "court.toml").write_text(
        (c.POLICIES / "court.toml")
        .read_text(encoding="utf-8")
        .replace('"notice_id", "round_id"', '"notice_id", "id_number"')
    )
    with pytest.raises(policies.PolicyError, match="unknown field 'id_number'"):
        bootstrap(GatewaySettings(policy_dir=str(tmp_path), signing_key_file=str(tmp_path / "k.pem")))


def test_outside_development_mode_the_gateway_will_not_start_without_its_signing_key(tmp_path):
    settings = GatewaySettings(policy_dir=str(c.POLICIES), signing_key_file=str(tmp_path / "k.pem"))
    with pytest.raises(SigningKeyMissing, match="SIGNING_KEY_FILE is missing"):
        bootstrap(settings)
    assert not (tmp_path / "k.pem").exists()
    made = bootstrap(settings.replace(development_mode=True)).signer  # a developer's machine: made on first start
    assert (tmp_path / "k.pem").stat().st_mode & 0o777 == 0o600
    assert bootstrap(settings).signer.kid == made.kid


def test_during_an_id_digest_key_rotation_notices_still_match_people_not_yet_rekeyed(gateway, keys, signers, consume):
    import dataclasses

    from sharing_gateway.entrypoints.api.app import create_app

    consume(member_event())  # its digest is under the gateway's current key, k1
    old = gateway.settings
    rotated = dataclasses.replace(
        old,
        id_digest_key_id="k2",
        id_digest_secret=secrets.token_urlsafe(48),
        id_digest_previous_keys=f"k1={old.id_digest_secret}",
    )

    def post(settings, event):
        body, headers = notice_sender.signed(signers["court"], event)
        client = create_app(bootstrap(settings, engine=gateway.engine)).test_client()
        return client.post("/notices", data=body, headers={**headers, **api(keys["court"])})

    assert post(rotated, notice()).status_code == 201
    without = dataclasses.replace(rotated, id_digest_previous_keys="")
    assert post(without, notice(notice_id="N-2")).status_code == 201
    with gateway.engine.connect() as conn:
        matched = dict(conn.execute(sa.select(notices.c.notice_id, notices.c.person_id)).all())
    assert matched == {"N-1": "p1", "N-2": None}  # the probe can fail: the old key is what matched


def test_a_rotated_signing_key_stays_published_with_its_period(gateway, client, keys, consume):
    consume(member_event())
    (before,) = feed(client, keys["cppcc"])["entries"]
    new = signing_keys.rotate(gateway.uow, signing.Path(gateway.settings.signing_key_file))
    published = client.get("/.well-known/tongxin-feed-keys").get_json()["keys"]
    old, = [k for k in published if k["kid"] == before["signature"]["kid"]]  # fmt: skip
    assert old["not_after"] is not None and old["not_before"] <= old["not_after"]
    assert signing.verify(before, published)
    assert signing.load(signing.Path(gateway.settings.signing_key_file)).kid == new.kid != old["kid"]
    assert [k["not_after"] for k in published if k["kid"] == new.kid] == [None]
