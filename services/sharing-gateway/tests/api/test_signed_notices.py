"""Signed inbound notices on SQLite and PostgreSQL: only a JWS (EdDSA) by one of the sending
agency's registered keys over the exact notice is accepted; unsigned, wrongly signed, ``alg``
none or HS256, altered, and reused-id notices are refused with problem+json and leave nothing
behind; a replay gets the same receipt; the receipt's digest is the notice's and says nothing
about whether the person is known. Keys are registered by two gateway admins."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json

import sqlalchemy as sa
from sharing_gateway import notice_sender
from sharing_gateway.adapters.tables import feed_entries, ledger, notices, outbox
from sharing_gateway.domain.jws import b64url

from chassis import idnumber

from .feed_helpers import feed, member_event, notice

NOBODY = idnumber.make("370783", dt.date(1975, 3, 9), 41, "female")


def written(gateway) -> tuple:
    with gateway.engine.connect() as conn:
        return tuple(
            conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in (notices, outbox, feed_entries, ledger)
        )


def refused(response, status: int) -> dict:
    body = response.get_json()
    assert response.status_code == status, body
    assert response.mimetype == "application/problem+json" and body["detail"] and body["detail_en"], body
    return body


def test_unsigned_wrongly_signed_and_altered_notices_are_refused_and_leave_nothing(
    gateway, post_notice, signers, consume
):
    consume(member_event())
    before = written(gateway)
    event = notice()
    unsigned = refused(post_notice("court", body=json.dumps(event).encode(), content_type="application/json"), 400)
    assert "JWS" in unsigned["detail_en"] and "签名" in unsigned["detail"]
    stranger = notice_sender.new_key()
    assert "kid" in refused(post_notice("court", event, signed_by=stranger), 401)["detail_en"]
    # The CPPCC's registered key does not sign for the court.
    refused(post_notice("court", event, signed_by=signers["cppcc"]), 401)
    token, _ = notice_sender.signed(signers["court"], event)
    protected, _, signature = token.decode().split(".")
    altered = b64url(notice_sender.content(notice(case_reference="(2026)鲁0783刑初99号")))
    body = refused(post_notice("court", body=f"{protected}.{altered}.{signature}".encode()), 401)
    assert body["detail_en"] == "The signature does not match the notice's content"
    kid = notice_sender.kid(signers["court"])
    payload = b64url(notice_sender.content(event))
    for header in ({"alg": "none", "kid": kid}, {"alg": "HS256", "kid": kid}, {"alg": "ES256", "kid": kid}):
        head = b64url(json.dumps(header).encode())
        # HS256 keyed with the public key: the classic algorithm-confusion forgery.
        mac = hmac.new(base64.urlsafe_b64decode(notice_sender.public_jwk(signers["court"])["x"] + "="),
                       f"{head}.{payload}".encode(), hashlib.sha256).digest()  # fmt: skip
        for sig in ("", b64url(mac)):
            assert "EdDSA" in refused(post_notice("court", body=f"{head}.{payload}.{sig}".encode()), 400)["detail_en"]
    unprotected = {"protected": b64url(b"{}"), "header": {"alg": "EdDSA", "kid": kid}, "payload": payload,
                   "signature": signature}  # fmt: skip
    refused(post_notice("court", body=json.dumps(unprotected).encode(), content_type="application/jose+json"), 400)
    assert written(gateway) == before


def test_a_replay_gets_the_same_receipt_and_a_reused_id_changes_nothing(gateway, post_notice, signers, client, keys):
    event = notice()
    body, headers = notice_sender.signed(signers["court"], event, flattened=True)
    first = post_notice("court", body=body, content_type=headers["Content-Type"])
    assert first.status_code == 201
    receipt = first.get_json()
    assert receipt["data"]["content_sha256"] == hashlib.sha256(notice_sender.content(event)).hexdigest()
    after_first = written(gateway)
    again = post_notice("court", body=body, content_type=headers["Content-Type"])
    assert again.status_code == 200 and again.get_json() == receipt
    # Signed again (compact this time) over the same bytes: the same notice.
    assert post_notice("court", event).get_json() == receipt
    conflict = refused(post_notice("court", notice(violation_type="其他")), 409)
    assert "different content" in conflict["detail_en"]
    assert written(gateway) == after_first
    (entry,) = feed(client, keys["court"])["entries"]
    assert entry == receipt


def test_the_receipt_binds_the_content_and_does_not_tell_whether_the_person_exists(gateway, post_notice, consume):
    consume(member_event())  # the person with ID_NUMBER is known; N-2's number is nobody's
    known, unknown = notice(notice_id="N-1"), notice(notice_id="N-2", id_number=NOBODY)
    answers = [post_notice("court", event) for event in (known, unknown)]
    assert [a.status_code for a in answers] == [201, 201]
    data = [a.get_json()["data"] for a in answers]
    assert data[0].keys() == data[1].keys() and "matched" not in data[0]
    assert {k: v for k, v in data[0].items() if k not in ("notice_id", "received_at", "content_sha256")} == {
        k: v for k, v in data[1].items() if k not in ("notice_id", "received_at", "content_sha256")
    }
    for event, d in zip((known, unknown), data, strict=True):
        assert d["content_sha256"] == hashlib.sha256(notice_sender.content(event)).hexdigest()
    with gateway.engine.connect() as conn:
        recorded = conn.execute(
            sa.select(ledger.c.event_type, ledger.c.payload_digest, ledger.c.fields).where(ledger.c.sequence == 0)
        ).all()
    assert [(t, p) for t, p, _ in recorded] == [("cn.tongxin.notice.violation.v1", d["content_sha256"]) for d in data]
    assert "id_number" not in json.dumps([f for _, _, f in recorded]) and "id_digest" in recorded[0].fields


def test_two_gateway_admins_register_an_agency_key_and_the_ledger_records_it(client, keys, staff, gateway):
    key = notice_sender.new_key()
    jwk = notice_sender.public_jwk(key)
    asker, approver = staff("gateway_admin", sub="gw-a"), staff("gateway_admin", sub="gw-b")
    refused(client.post("/agencies/court/notice-keys", json={"jwk": {**jwk, "d": jwk["x"]}}, headers=asker), 422)
    refused(client.post("/agencies/court/notice-keys", json={"jwk": {**jwk, "crv": "P-256"}}, headers=asker), 422)
    asked = client.post("/agencies/court/notice-keys", json={"jwk": jwk}, headers=asker)
    assert asked.status_code == 201 and asked.get_json()["action"] == "register_notice_key"
    body, headers = notice_sender.signed(key, notice())
    court = {"Authorization": f"ApiKey {keys['court']}", **headers}
    refused(client.post("/notices", data=body, headers=court), 401)  # not in force before the second admin
    refused(client.post(f"/admin-requests/{asked.get_json()['id']}/approve", headers=asker), 403)
    approved = client.post(f"/admin-requests/{asked.get_json()['id']}/approve", headers=approver)
    assert approved.status_code == 200 and approved.get_json()["kid"] == jwk["kid"]
    assert client.post("/notices", data=body, headers=court).status_code == 201
    assert client.get("/agency", headers={"Authorization": f"ApiKey {keys['court']}"}).get_json()["notice_keys"] == [
        jwk["kid"]
    ]
    with gateway.engine.connect() as conn:
        types = list(conn.execute(sa.select(ledger.c.event_type).order_by(ledger.c.position)).scalars())
    assert types[:2] == [
        "cn.tongxin.gateway.admin.notice_key_requested",
        "cn.tongxin.gateway.admin.notice_key_registered",
    ]
    # The same key can never speak for a second agency.
    refused(client.post("/agencies/cppcc/notice-keys", json={"jwk": jwk}, headers=asker), 409)
    # Lost: two admins retire it, and what it signs is refused from then on.
    refused(client.post(f"/agencies/cppcc/notice-keys/{jwk['kid']}/retirement", headers=asker), 404)
    retiring = client.post(f"/agencies/court/notice-keys/{jwk['kid']}/retirement", headers=asker)
    assert retiring.status_code == 201
    assert client.post(f"/admin-requests/{retiring.get_json()['id']}/approve", headers=approver).status_code == 200
    body, headers = notice_sender.signed(key, notice(notice_id="N-2"))
    refused(client.post("/notices", data=body, headers={**court, **headers}), 401)
    assert client.get("/agency", headers={"Authorization": f"ApiKey {keys['court']}"}).get_json()["notice_keys"] == []


def test_duplicate_members_and_too_deep_nesting_are_refused_with_400_and_leave_nothing(
    gateway, post_notice, signers, consume
):
    """Two readers may each take another of two duplicate members (which ``alg``, which ID number
    was signed?); nesting deep enough to exhaust the parser is bad input, not a server error."""
    consume(member_event())
    before = written(gateway)
    key, kid = signers["court"], notice_sender.kid(signers["court"])
    event = notice_sender.content(notice())
    twice = event.replace(b'"data": {', b'"data": {"id_number": "' + NOBODY.encode() + b'", ', 1)
    assert twice != event
    body = refused(post_notice("court", body=notice_sender.signed(key, twice)[0]), 400)
    assert "id_number" in body["detail_en"] and "重复" in body["detail"]
    payload = b64url(event)
    head = b64url(b'{"alg":"none","kid":"%s","alg":"EdDSA"}' % kid.encode())
    signature = b64url(key.sign(f"{head}.{payload}".encode()))
    assert "alg" in refused(post_notice("court", body=f"{head}.{payload}.{signature}".encode()), 400)["detail_en"]
    protected, _, signature = notice_sender.signed(key, event)[0].decode().split(".")
    other = b64url(b'{"x":1}')
    members = (("protected", protected), ("payload", other), ("signature", signature), ("payload", payload))
    flattened = "{" + ",".join(f'"{k}":"{v}"' for k, v in members) + "}"
    refused(post_notice("court", body=flattened.encode(), content_type="application/jose+json"), 400)
    deep = b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    refused(post_notice("court", body=deep, content_type="application/jose+json"), 400)
    head = b64url(b'{"alg":"EdDSA","kid":"%s","x":' % kid.encode() + b"[" * 100_000 + b"]" * 100_000 + b"}")
    signature = b64url(key.sign(f"{head}.{payload}".encode()))
    refused(post_notice("court", body=f"{head}.{payload}.{signature}".encode()), 400)
    refused(post_notice("court", body=notice_sender.signed(key, b"[" * 100_000 + b"]" * 100_000)[0]), 400)
    assert written(gateway) == before


def test_a_notice_addressed_to_another_gateway_or_to_none_is_refused(gateway, post_notice, signers, consume):
    consume(member_event())
    before = written(gateway)
    key, event = signers["court"], notice()
    body, headers = notice_sender.signed(key, event, audience="tongxin-gateway-staging")
    refused_body = refused(post_notice("court", body=body, content_type=headers["Content-Type"]), 401)
    assert "tongxin-gateway-staging" in refused_body["detail_en"] and "网关" in refused_body["detail"]
    payload = b64url(notice_sender.content(event))
    head = b64url(json.dumps({"alg": "EdDSA", "kid": notice_sender.kid(key)}).encode())
    signature = b64url(key.sign(f"{head}.{payload}".encode()))
    assert "aud" in refused(post_notice("court", body=f"{head}.{payload}.{signature}".encode()), 400)["detail_en"]
    assert written(gateway) == before
    assert gateway.settings.gateway_audience == notice_sender.GATEWAY
    assert post_notice("court", event).status_code == 201  # the same notice, addressed to this gateway
