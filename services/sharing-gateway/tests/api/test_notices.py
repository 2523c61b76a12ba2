"""Agencies' notices over HTTP: a signed receipt once per notice (the raw ID number never kept),
bad notices refused with nothing changed, and every agency key refused outside its own door."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sharing_gateway.adapters.tables import feed_entries, ledger, notices, outbox
from sharing_gateway.domain.signing import verify

from chassis import idnumber

from .feed_helpers import ID_NUMBER, api, feed, member_event, notice


def test_a_court_notice_gets_a_signed_receipt_once_and_the_raw_number_never_stays(
    client, keys, gateway, consume, post_notice
):
    consume(member_event())
    first = post_notice("court", notice())
    assert first.status_code == 201
    receipt = first.get_json()
    jwks = client.get("/.well-known/tongxin-feed-keys").get_json()["keys"]
    assert verify(receipt, jwks) and receipt["sequence"] == 1 and "matched" not in receipt["data"]
    again = post_notice("court", notice())
    assert again.status_code == 200 and again.get_json() == receipt
    with gateway.engine.connect() as conn:
        published = [
            json.loads(bytes(p))
            for (p,) in conn.execute(sa.select(outbox.c.payload).where(outbox.c.topic == "gateway.inbound.v1"))
        ]
        dump = json.dumps([dict(r) for r in conn.execute(sa.select(notices)).mappings()], default=str)
    assert len(published) == 1 and published[0]["type"] == "cn.tongxin.gateway.notice.violation.v1"
    assert published[0]["data"]["id_digest"] == idnumber.digest(ID_NUMBER, gateway.settings.id_digest_key())
    assert ID_NUMBER not in json.dumps(published) and ID_NUMBER not in dump
    assert [e["type"] for e in feed(client, keys["court"])["entries"]] == ["cn.tongxin.gateway.receipt.v1"]


def test_bad_notices_are_refused_and_change_nothing(client, keys, gateway, post_notice):
    def count():
        with gateway.engine.connect() as conn:
            return tuple(
                conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                for t in (notices, outbox, feed_entries, ledger)
            )

    before = count()
    bad_number = notice(id_number=ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1"))
    r = post_notice("court", bad_number)
    assert r.status_code == 422 and "校验码" in r.get_json()["detail"]
    assert post_notice("court", notice(occurred_on="soon")).status_code == 422
    assert post_notice("court", {**notice(), "type": "cn.tongxin.notice.gossip.v1"}).status_code == 422
    assert post_notice("court", notice("violation_rescinded", "N-9")).status_code == 422
    # The CPPCC may not send violation notices; the courts may not confirm memberships.
    denied = post_notice("cppcc", notice())
    assert denied.status_code == 403 and "court" not in json.dumps(denied.get_json())
    assert post_notice("court", notice("membership_confirmed", "M-1")).status_code == 403
    assert count() == before


def test_every_agency_key_is_refused_everywhere_else(client, keys, gateway, staff, consume, post_notice):
    consume(member_event())
    assert post_notice("court", notice()).status_code == 201
    for agency, key in keys.items():
        entries = feed(client, key)["entries"]
        assert all(e["agency"] == agency for e in entries)
        assert client.get("/agencies", headers=api(key)).status_code == 401  # staff endpoints
        assert client.get("/ledger", headers=api(key)).status_code == 401
    for forged in ("tx.nope.nope", keys["court"][:-2] + "xx", "Bearer " + keys["court"], ""):
        r = client.get("/feed", headers={"Authorization": f"ApiKey {forged}"})
        assert r.status_code == 401 and r.get_json()["detail_en"] == "Invalid or expired agency key"
    assert client.get("/feed", headers=staff("admin")).status_code == 401  # a staff token is no agency key
