"""The registry over a real Kafka broker: exact events out, evaluation outcomes and membership notices in,
idempotently."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
import sqlalchemy as sa
from kafka import KafkaConsumer, KafkaProducer

from chassis import idnumber
from chassis.contracts.gateway import MEMBERSHIP_CONFIRMED, MEMBERSHIP_ENDED
from chassis.events import Envelope
from chassis.kafka import KafkaAccess
from chassis.topics import EVALUATION, GATEWAY_MEMBERSHIP, REGISTRY_PERSON
from registry.adapters.tables import parked_notices
from registry.bootstrap import bootstrap
from registry.config import RegistrySettings
from registry.entrypoints.api.app import create_app
from registry.entrypoints.worker import build
from registry.service_layer.units import load_shipped_units
from services.registry.tests.support import DONGGUAN, XICHENG, person_body
from tests.support.infra import wait_for
from tests.support.secrets import strong_secrets
from tests.support.tokens import staff_headers, trusted

pytestmark = pytest.mark.kafka
PREFIX = "cn.tongxin.registry.person."


@pytest.fixture
def live(database_url, kafka):
    """A registry app and its worker (relay, consumer, imports) on the real broker."""
    reg = bootstrap(
        RegistrySettings(
            database_url=database_url,
            outbox_poll_interval=0.05,
            consumer_group_prefix=f"reg-{uuid.uuid4().hex[:6]}",
            **{**strong_secrets(RegistrySettings), **kafka.settings(), **trusted()},
        )
    )
    reg.migrate()
    load_shipped_units(reg.engine)
    parts = build(reg)
    threads = [threading.Thread(target=p.run_forever, daemon=True) for p in parts]
    for t in threads:
        t.start()
    yield reg, create_app(reg).test_client()
    for p in parts:
        p.stop()
    for t in threads:
        t.join(30)
    reg.engine.dispose()


def events_for(access: KafkaAccess, topic: str, subject: str, expected: int) -> list[Envelope]:
    consumer = KafkaConsumer(
        topic,
        metadata_max_age_ms=1000,
        **access.client_config(),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        consumer_timeout_ms=500,
    )
    found: list[Envelope] = []

    def more() -> bool:
        found.extend(
            e
            for e in (Envelope.from_json(r.value) for r in consumer if r.key == subject.encode())
            if e.subject == subject
        )
        return len(found) >= expected

    wait_for(more, 60, message=f"{expected} events for {subject}")
    consumer.close()
    return found


def test_http_changes_arrive_as_exact_events_on_the_topic(live, kafka):
    _, client = live
    body = person_body(name="孙悦", religion="佛教", ethnicity="满族")
    pid = client.post("/people", json=body, headers=staff_headers()).get_json()["id"]
    # A hidden-only change first: no event, and no gap in the event versions that would say so.
    client.patch(f"/people/{pid}", json={"religion": "道教"}, headers=staff_headers(**{"If-Match": '"v1"'}))
    client.patch(f"/people/{pid}", json={"employer": "寿光市工商联"}, headers=staff_headers(**{"If-Match": '"v2"'}))
    client.post(f"/people/{pid}/move", json={"unit_code": XICHENG}, headers=staff_headers(**{"If-Match": '"v3"'}))
    client.post(f"/people/{pid}/archive", json={"reason": "调离"}, headers=staff_headers(**{"If-Match": '"v4"'}))

    events = events_for(kafka.access, REGISTRY_PERSON, pid, 4)
    assert [e.type.removeprefix(PREFIX) for e in events] == ["registered.v1", "updated.v1", "moved.v1", "archived.v1"]
    assert [e.data["version"] for e in events] == [1, 2, 3, 4]
    assert events[1].data["changed_fields"] == ["employer"] and events[1].data["employer"] == "寿光市工商联"
    assert (events[2].data["from_unit_code"], events[2].data["unit_code"]) == (DONGGUAN, XICHENG)
    assert (events[3].data["status"], events[3].data["reason"]) == ("archived", "调离")
    for e in events:
        assert e.source == "/tongxin/registry" and e.subject == pid and e.traceparent
        text = e.to_json().decode()
        assert body["id_number"] not in text and "佛教" not in text and "满族" not in text
        assert "id_masked" not in e.data and "********" not in text  # no masked form beside the year
    assert len({e.id for e in events}) == 4


def test_a_revoked_qualification_changes_representative_status_once(live, kafka):
    _, client = live
    roles = [{"body": "cppcc", "level": "county", "title": "委员"}, {"body": "chamber", "level": "county"}]
    body = person_body(representative_roles=roles, vetting_basis="换届考察合格")
    pid = client.post("/people", json=body, headers=staff_headers()).get_json()["id"]
    outcome = Envelope.new(
        type="cn.tongxin.evaluation.representative.qualification_revoked.v1",
        source="/tongxin/evaluation",
        subject=pid,
        data={
            "person_id": pid,
            "unit_code": DONGGUAN,
            "body": "cppcc",
            "decision": "revoke_membership_recommendation",
            "reason": "年度评价末位且联席会议决定",
            "round_id": "r-2026",
            "meeting_id": "m-8",
            "decided_at": dt.datetime(2026, 11, 1, tzinfo=dt.UTC).isoformat(),
        },
    )
    producer = KafkaProducer(**kafka.access.client_config())
    for _ in range(2):  # a redelivery: the same event id twice
        producer.send(EVALUATION, key=pid.encode(), value=outcome.to_json()).get(10)
    producer.close()

    def roles_now():
        return [
            r["body"] for r in client.get(f"/people/{pid}", headers=staff_headers()).get_json()["representative_roles"]
        ]

    wait_for(lambda: roles_now() == ["chamber"], 60, message="CPPCC role revoked")
    events = events_for(kafka.access, REGISTRY_PERSON, pid, 3)
    changed = [e for e in events if e.type == PREFIX + "representative_changed.v1"]
    assert len(changed) == 2  # one at registration, one from the revocation; the duplicate did nothing
    assert [r["body"] for r in changed[-1].data["previous_roles"]] == ["cppcc", "chamber"]
    assert "联席评价" in changed[-1].data["reason"]
    history = client.get(f"/people/{pid}/history", headers=staff_headers()).get_json()
    assert [h["actor"] for h in history if h["action"] == "representative_changed"] == ["it-staff", "evaluation"]
    person = client.get(f"/people/{pid}", headers=staff_headers())
    again = {"roles": roles, "reason": "换届", "vetting_basis": "本届考察合格"}
    refused = client.put(f"/people/{pid}/representative-roles", json=again,
                         headers=staff_headers(**{"If-Match": person.headers["ETag"]}))  # fmt: skip
    assert refused.status_code == 409 and refused.get_json()["ineligible_until"] == "2031-11-01"


def test_membership_notices_over_kafka_add_and_remove_the_role_and_park_strangers(live, kafka):
    reg, client = live
    body = person_body()
    pid = client.post("/people", json=body, headers=staff_headers()).get_json()["id"]
    digest = idnumber.digest(body["id_number"], reg.settings.id_digest_key())

    def notice(kind, id_digest, notice_id):
        data = {"notice_id": notice_id, "agency": "cppcc", "id_digest": id_digest, "body": "cppcc",
                "level": "county", "title": "委员", "effective_on": "2026-11-01",
                "received_at": dt.datetime.now(dt.UTC).isoformat()}  # fmt: skip
        return Envelope.new(type=kind, source="/tongxin/sharing-gateway", subject=id_digest, data=data)

    def roles_now():
        return client.get(f"/people/{pid}", headers=staff_headers()).get_json()["representative_roles"]

    producer = KafkaProducer(**kafka.access.client_config())
    run = uuid.uuid4().hex[:8]  # the topic is shared: other runs' notices are strangers here
    confirmed = notice(MEMBERSHIP_CONFIRMED, digest, f"C-1-{run}")
    stranger = notice(MEMBERSHIP_ENDED, "k1:" + "0" * 64, f"C-2-{run}")
    for event in (confirmed, confirmed, stranger):  # a redelivery, and a notice about nobody the registry knows
        producer.send(GATEWAY_MEMBERSHIP, key=event.subject.encode(), value=event.to_json()).get(10)
    wait_for(lambda: [r["body"] for r in roles_now()] == ["cppcc"], 60, message="CPPCC membership confirmed")
    ended = notice(MEMBERSHIP_ENDED, digest, f"C-3-{run}")
    producer.send(GATEWAY_MEMBERSHIP, key=digest.encode(), value=ended.to_json()).get(10)
    producer.close()
    wait_for(lambda: roles_now() == [], 60, message="CPPCC membership ended")
    history = client.get(f"/people/{pid}/history", headers=staff_headers()).get_json()
    assert [h["actor"] for h in history if h["action"] == "representative_changed"] == ["notice:cppcc"] * 2
    with reg.engine.connect() as conn:
        parked = set(conn.execute(sa.select(parked_notices.c.notice_id)).scalars())
    assert f"C-2-{run}" in parked and not {f"C-1-{run}", f"C-3-{run}"} & parked
