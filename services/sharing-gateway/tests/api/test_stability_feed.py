"""Severe stability reports in public security's feed (exactly the granted fields, nobody else's
feed), and public security's signed answers (received, handling, closed) passed on to
``gateway.stability.v1`` keyed by the report, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa
from sharing_gateway.adapters.tables import notices, outbox

from chassis.events import Envelope

from .feed_helpers import api, feed

GRANTED = {"report_id", "unit_code", "occurred_at", "reported_at", "people_involved", "summary"}


def severe(report_id: str, summary="镇政府门前约50人聚集，情绪激动", unit="370783001001") -> Envelope:
    return Envelope.new(
        type="cn.tongxin.servicedesk.stability.severe_reported.v1",
        source="/tongxin/servicedesk",
        subject=report_id,
        data={
            "report_id": report_id,
            "unit_code": unit,
            "occurred_at": "2026-11-27T03:00:00+00:00",
            "reported_at": "2026-11-27T04:00:00+00:00",
            "people_involved": 52,
            "summary": summary,
        },
    )


def answer(kind: str, report_id: str, notice_id: str, **data) -> dict:
    return {
        "specversion": "1.0",
        "id": notice_id,
        "type": f"cn.tongxin.notice.stability_{kind}.v1",
        "source": "/public_security/shouguang",
        "data": {"report_id": report_id, **data},
    }


def inbound(gateway) -> list[tuple[str, dict]]:
    with gateway.engine.connect() as conn:
        rows = conn.execute(sa.select(outbox.c.key, outbox.c.payload).where(outbox.c.topic == "gateway.stability.v1"))
        return [(key, json.loads(bytes(payload))) for key, payload in rows]


def test_a_severe_report_reaches_public_security_alone_with_exactly_its_granted_fields(client, keys, consume):
    report_id = str(uuid.uuid4())
    event = severe(report_id, summary="清真寺门前约50人聚集")  # a venue: shared for the policy's own purpose
    consume(event, event)  # redelivered: still once
    (entry,) = feed(client, keys["public_security"])["entries"]
    assert entry["type"] == event.type and set(entry["data"]) == GRANTED
    assert entry["data"]["summary"] == "清真寺门前约50人聚集" and entry["data"]["people_involved"] == 52
    assert all(feed(client, keys[a])["entries"] == [] for a in ("court", "cppcc", "npc"))


def test_a_report_outside_public_securitys_region_is_not_delivered(client, keys, consume):
    consume(severe(str(uuid.uuid4()), unit="370782001001"))  # another county
    assert feed(client, keys["public_security"])["entries"] == []


def test_public_securitys_answers_go_on_keyed_by_the_report(client, keys, gateway, post_notice, consume):
    report_id = str(uuid.uuid4())
    consume(severe(report_id))
    for n, kind in enumerate(("received", "handling", "closed")):
        r = post_notice("public_security", answer(kind, report_id, f"GA-{n}", case_reference="寿公(2026)118号"))
        assert r.status_code == 201, r.get_json()
    published = inbound(gateway)
    assert [p["type"] for _, p in published] == [
        f"cn.tongxin.gateway.notice.stability_{k}.v1" for k in ("received", "handling", "closed")
    ]
    assert {key for key, _ in published} == {report_id}  # one partition: their order holds
    assert published[-1][1]["data"] == {
        "notice_id": "GA-2",
        "agency": "public_security",
        "report_id": report_id,
        "case_reference": "寿公(2026)118号",
        "summary": None,
        "received_at": published[-1][1]["data"]["received_at"],
    }


def test_only_public_security_may_answer_and_a_bad_answer_changes_nothing(client, keys, gateway, post_notice):
    report_id = str(uuid.uuid4())
    refused = post_notice("court", {**answer("closed", report_id, "C-1"), "source": "/court/shouguang"})
    assert refused.status_code == 403 and refused.content_type == "application/problem+json"
    bad = post_notice("public_security", answer("closed", "not-a-report-id", "GA-9"))
    assert bad.status_code == 422 and bad.get_json()["detail_en"]
    with gateway.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(notices)).scalar() == 0
    assert inbound(gateway) == []
    assert feed(client, keys["public_security"])["entries"] == []
    assert client.get("/feed", headers=api(keys["court"])).get_json()["entries"] == []


def test_public_security_may_answer_only_a_report_its_feed_delivered(client, keys, gateway, post_notice, consume):
    elsewhere, unknown = str(uuid.uuid4()), str(uuid.uuid4())
    consume(severe(elsewhere, unit="370782001001"))  # another county's: never in its feed
    for n, report_id in enumerate((elsewhere, unknown)):
        r = post_notice("public_security", answer("closed", report_id, f"GA-X{n}", summary="已办结"))
        assert r.status_code == 422 and r.content_type == "application/problem+json", r.get_json()
        assert r.get_json()["detail_en"].startswith("No severe stability report with that id")
    with gateway.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(notices)).scalar() == 0
    assert inbound(gateway) == []
    assert feed(client, keys["public_security"])["entries"] == []  # no receipt either
