"""The gateway over a real Kafka broker beside a real evaluation service: a court posts a
violation notice, evaluation vetoes the person, a joint meeting revokes the CPPCC
recommendation, and the court's and the CPPCC's feeds each receive exactly what their policies
allow, signed, in order, over HTTP and on ``feed.<agency>.v1``."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid

import pytest
import sqlalchemy as sa
from kafka import KafkaConsumer, KafkaProducer
from sharing_gateway import notice_sender
from sharing_gateway.adapters.tables import people
from sharing_gateway.bootstrap import bootstrap
from sharing_gateway.config import GatewaySettings
from sharing_gateway.domain import signing
from sharing_gateway.domain.signing import verify
from sharing_gateway.entrypoints.api.app import create_app
from sharing_gateway.entrypoints.worker import build
from sharing_gateway.service_layer import agencies, notice_keys

from chassis import idnumber
from chassis.digests import DigestKey
from chassis.topics import REGISTRY_PERSON, agency_feed
from evaluation.bootstrap import bootstrap as evaluation_bootstrap
from evaluation.config import EvaluationSettings
from evaluation.domain.index import DEFAULT
from evaluation.entrypoints.api.app import create_app as evaluation_app
from evaluation.entrypoints.worker import build as evaluation_worker
from tests.support.infra import wait_for
from tests.support.live import running
from tests.support.people import person_event
from tests.support.secrets import strong_secrets
from tests.support.tokens import staff_headers, trusted

from .. import conftest as c

pytestmark = pytest.mark.kafka
SECRET = strong_secrets(GatewaySettings)["id_digest_secret"]


@pytest.fixture
def platform(database_url, kafka, tmp_path):
    group = uuid.uuid4().hex[:6]
    ev = evaluation_bootstrap(
        EvaluationSettings(
            database_url=f"sqlite:///{tmp_path / 'evaluation.db'}",
            # the broker's credentials over the random secrets (the Kafka password is one of both)
            **{**strong_secrets(EvaluationSettings), **kafka.settings(), **trusted()},
            outbox_poll_interval=0.05,
            consumer_group_prefix=f"ev-{group}",
        )
    )
    ev.migrate()
    signing.write_new(tmp_path / "signing.pem")
    gw = bootstrap(
        GatewaySettings(
            database_url=database_url,
            **{**strong_secrets(GatewaySettings), **kafka.settings(), **trusted()},
            outbox_poll_interval=0.05,
            consumer_group_prefix=f"gw-{group}",
            policy_dir=str(c.POLICIES),
            signing_key_file=str(tmp_path / "signing.pem"),
        )
    )
    gw.migrate()
    with gw.uow() as uow:
        keys = {
            a: agencies.issue_key(uow, a, "test", dt.timedelta(days=1)) for a in ("court", "cppcc", "public_security")
        }
        court_key = notice_sender.new_key()
        notice_keys.register(uow, "court", notice_keys.public_key_of(notice_sender.public_jwk(court_key)), "test")
        uow.commit()
    with running(evaluation_worker(ev)), running(build(gw)):
        yield ev, gw, keys, court_key
    ev.engine.dispose()
    gw.engine.dispose()


def test_a_court_notice_reaches_each_feed_as_its_policy_allows(platform, kafka):
    ev, gw, keys, court_key = platform
    evaluation, gateway = evaluation_app(ev).test_client(), create_app(gw).test_client()
    staff = staff_headers(roles=("evaluator",))
    number = idnumber.make("370783", dt.date(1966, 8, 8), int(uuid.uuid4().int % 90) + 5, "female")
    pid = f"g-{uuid.uuid4().hex[:8]}"
    person = person_event(pid, digest=idnumber.digest(number, DigestKey("k1", SECRET)), name="孙丽华")
    producer = KafkaProducer(**kafka.access.client_config())
    producer.send(REGISTRY_PERSON, key=pid.encode(), value=person.to_json()).get(10)
    producer.close()

    def round_opened():  # once evaluation knows this person (the view may hold others already)
        if evaluation.get(f"/people/{pid}", headers=staff).status_code != 200:
            return None
        r = evaluation.post(
            "/rounds", json={"name": "共享联调", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}, headers=staff
        )
        rid = r.get_json()["id"]
        return rid if evaluation.post(f"/rounds/{rid}/open", headers=staff).status_code == 200 else None

    round_id = wait_for(round_opened, 60, interval=0.5, message="the person reaches evaluation")
    flat = {"scores": {i.code: 9 for i in DEFAULT.items()}}
    rated = evaluation.put(f"/rounds/{round_id}/people/{pid}/official-rating", json=flat, headers=staff)
    assert rated.status_code in (200, 201), rated.get_json()
    assert evaluation.post(f"/rounds/{round_id}/close", headers=staff).status_code == 200

    notice_id = f"court-{uuid.uuid4().hex[:8]}"
    court = {"Authorization": f"ApiKey {keys['court']}"}
    body = {
        "specversion": "1.0",
        "id": notice_id,
        "type": "cn.tongxin.notice.violation.v1",
        "source": "/court/shouguang",
        "data": {
            "id_number": number,
            "case_reference": "(2026)鲁0783刑初7号",
            "violation_type": "刑事犯罪",
            "occurred_on": "2026-07-01",
            "authority": "寿光市人民法院",
        },
    }

    def in_gateway_view():
        with gw.engine.connect() as conn:
            return conn.execute(sa.select(people.c.person_id).where(people.c.person_id == pid)).first()

    wait_for(in_gateway_view, 60, interval=0.3, message="the person reaches the gateway")
    signed, content_type = notice_sender.signed(court_key, body)
    receipt = gateway.post("/notices", data=signed, headers={**court, **content_type})
    assert receipt.status_code == 201
    assert receipt.get_json()["data"]["content_sha256"] == hashlib.sha256(notice_sender.content(body)).hexdigest()

    def vetoed():
        rows = evaluation.get(f"/rounds/{round_id}/report", headers=staff).get_json()["rows"]
        return any(r["person_id"] == pid and r["status"] == "vetoed" for r in rows)

    wait_for(vetoed, 60, interval=0.3, message="evaluation applies the veto")
    meeting = evaluation.post(
        "/meetings",
        json={"title": "联席评价", "held_on": "2026-12-20", "bodies": ["cppcc"], "round_id": round_id},
        headers=staff,
    ).get_json()
    decided = evaluation.post(
        f"/meetings/{meeting['id']}/decisions",
        json={"person_id": pid, "decision": "revoke_membership_recommendation", "reason": "一票否决"},
        headers=staff,
    )
    assert decided.status_code == 201

    jwks = gateway.get("/.well-known/tongxin-feed-keys").get_json()["keys"]

    def entries(agency, mine):
        got = gateway.get(
            "/feed", query_string={"limit": 1000}, headers={"Authorization": f"ApiKey {keys[agency]}"}
        ).get_json()["entries"]
        return [e for e in got if mine(e)]

    about_court = lambda e: e["data"].get("notice_id") == notice_id  # noqa: E731
    court_feed = wait_for(
        lambda: (f := entries("court", about_court)) and len(f) == 2 and f,
        60,
        interval=0.3,
        message="receipt and veto in the court feed",
    )
    assert [e["type"] for e in court_feed] == ["cn.tongxin.gateway.receipt.v1", "cn.tongxin.evaluation.veto.applied.v1"]
    assert set(court_feed[1]["data"]) == {"notice_id", "round_id", "reason"}  # no person data at all
    about_person = lambda e: e["data"].get("person_id") == pid  # noqa: E731
    cppcc_feed = wait_for(
        lambda: (f := entries("cppcc", about_person)) and len(f) == 2 and f, 60, interval=0.3, message="the CPPCC feed"
    )
    assert [e["type"] for e in cppcc_feed] == [
        "cn.tongxin.registry.person.updated.v1",
        "cn.tongxin.evaluation.representative.qualification_revoked.v1",
    ]
    assert cppcc_feed[1]["data"]["decision"] == "revoke_membership_recommendation"
    assert "id_digest" not in cppcc_feed[0]["data"] and "birth_date" not in cppcc_feed[0]["data"]
    assert entries("public_security", lambda e: about_person(e) or about_court(e)) == []
    for feed in (court_feed, cppcc_feed):
        assert all(verify(e, jwks) for e in feed)
        assert [e["sequence"] for e in feed] == sorted(e["sequence"] for e in feed)

    # The same signed entries are on the court's Kafka feed, in sequence order without gaps.
    consumer = KafkaConsumer(
        agency_feed("court"),
        metadata_max_age_ms=1000,
        **kafka.access.client_config(),
        auto_offset_reset="earliest",
        consumer_timeout_ms=500,
    )
    seen: list[dict] = []

    def on_topic():
        seen.extend(json.loads(r.value) for r in consumer)
        return sum(about_court(e) for e in seen) == 2

    wait_for(on_topic, 60, message="feed.court.v1")
    consumer.close()
    mine = [e for e in seen if about_court(e)]
    assert mine == court_feed
    # Other test runs share the broker and the topic; this gateway's entries are those its key signed.
    ours = [e["sequence"] for e in seen if e["agency"] == "court" and verify(e, jwks)]
    assert ours == list(range(ours[0], ours[0] + len(ours)))
