"""Evaluation over a real Kafka broker: people from the registry topic, a court notice from the
gateway topic, the veto, the meeting's revocation on ``evaluation.v1``, and a replay that changes nothing."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from kafka import KafkaConsumer, KafkaProducer

from chassis.events import Envelope
from chassis.kafka import KafkaAccess
from chassis.topics import EVALUATION, GATEWAY_INBOUND, REGISTRY_PERSON
from chassis.unit_of_work import joining
from evaluation.bootstrap import bootstrap
from evaluation.config import EvaluationSettings
from evaluation.domain.index import DEFAULT
from evaluation.entrypoints.api.app import create_app
from evaluation.entrypoints.worker import build, people_consumer
from evaluation.service_layer import read_model
from services.evaluation.tests.conftest import person_event
from tests.support.infra import wait_for
from tests.support.secrets import strong_secrets
from tests.support.tokens import staff_headers, trusted

pytestmark = pytest.mark.kafka
FLAT = {"scores": {i.code: 8 for i in DEFAULT.items()}}


@pytest.fixture
def live(database_url, kafka):
    # Each database run is its own deployment on the shared test broker, with its own consumer groups.
    ev = bootstrap(
        EvaluationSettings(
            database_url=database_url,
            outbox_poll_interval=0.05,
            consumer_group_prefix=f"eval-{uuid.uuid4().hex[:6]}",
            **{**strong_secrets(EvaluationSettings), **kafka.settings(), **trusted()},
        )
    )
    ev.migrate()
    parts = build(ev)
    threads = [threading.Thread(target=p.run_forever, daemon=True) for p in parts]
    for t in threads:
        t.start()
    yield ev, create_app(ev).test_client(), staff_headers(("evaluator",), sub="judge")
    for p in parts:
        p.stop()
    for t in threads:
        t.join(30)
    ev.engine.dispose()


def publish(access: KafkaAccess, topic: str, envelopes: list[Envelope]) -> None:
    producer = KafkaProducer(**access.client_config())
    for e in envelopes:
        producer.send(topic, key=e.subject.encode(), value=e.to_json()).get(10)
    producer.close()


def evaluation_events(access: KafkaAccess, subject: str, wanted: str) -> list[Envelope]:
    consumer = KafkaConsumer(
        EVALUATION,
        metadata_max_age_ms=1000,
        **access.client_config(),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        consumer_timeout_ms=500,
    )
    found: list[Envelope] = []

    def more():
        found.extend(e for e in (Envelope.from_json(r.value) for r in consumer) if e.subject == subject)
        return any(e.type.endswith(wanted) for e in found)

    wait_for(more, 60, message=f"{wanted} for {subject}")
    consumer.close()
    return found


def test_a_court_notice_vetoes_and_the_meeting_revokes_over_kafka(live, kafka):
    ev, client, staff = live
    pid, other = f"k-{uuid.uuid4().hex[:8]}", f"k-{uuid.uuid4().hex[:8]}"
    digest = uuid.uuid4().hex * 2
    publish(kafka.access, REGISTRY_PERSON, [person_event(pid, digest=digest), person_event(other)])
    wait_for(lambda: _in_view(ev, pid, other), 60, message="people in view")

    round_id = client.post(
        "/rounds", json={"name": "联调轮次", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}, headers=staff
    ).get_json()["id"]
    assert client.post(f"/rounds/{round_id}/open", headers=staff).status_code == 200
    for person in (pid, other):
        client.put(f"/rounds/{round_id}/people/{person}/official-rating", json=FLAT, headers=staff)
    client.post(f"/rounds/{round_id}/close", headers=staff)

    notice = Envelope.new(
        type="cn.tongxin.gateway.notice.violation.v1",
        source="/tongxin/sharing-gateway",
        subject=digest,
        data={
            "notice_id": f"court-{uuid.uuid4().hex[:6]}",
            "agency": "court",
            "id_digest": digest,
            "case_reference": "(2026)鲁0783民初88号",
            "violation_type": "失信被执行人",
            "occurred_on": "2026-06-01",
            "authority": "寿光市人民法院",
            "received_at": dt.datetime.now(dt.UTC).isoformat(),
        },
    )
    publish(kafka.access, GATEWAY_INBOUND, [notice, notice])  # the same notice twice
    found = evaluation_events(kafka.access, pid, "veto.applied.v1")
    assert [e.data["notice_id"] for e in found if e.type.endswith("veto.applied.v1")] == [notice.data["notice_id"]]
    rows = {r["person_id"]: r for r in client.get(f"/rounds/{round_id}/report", headers=staff).get_json()["rows"]}
    assert rows[pid]["status"] == "vetoed" and rows[other]["status"] != "vetoed"

    meeting = client.post(
        "/meetings",
        json={"title": "联席评价", "held_on": "2026-12-20", "bodies": ["cppcc"], "round_id": round_id},
        headers=staff,
    ).get_json()
    r = client.post(
        f"/meetings/{meeting['id']}/decisions",
        json={"person_id": pid, "decision": "revoke_membership_recommendation", "reason": "一票否决"},
        headers=staff,
    )
    assert r.status_code == 201
    revoked = [
        e
        for e in evaluation_events(kafka.access, pid, "qualification_revoked.v1")
        if e.type.endswith("qualification_revoked.v1")
    ]
    assert len(revoked) == 1 and revoked[0].data["body"] == "cppcc" and revoked[0].key == pid.encode()

    # Replaying the people topic rebuilds the same view and changes no outcome. The live consumer
    # reads three partitions: let it finish the whole topic before taking the "before" picture.
    _settled(ev)
    before = (read_model.digest_of_view(ev.engine), client.get(f"/rounds/{round_id}/report", headers=staff).get_json())
    replayer = people_consumer(ev)
    replayer.name = f"replay-{uuid.uuid4().hex[:6]}"  # its own group, so the live worker keeps running
    replayer.replay(lambda session: read_model.reset(joining(ev.uow, session)))
    after = (read_model.digest_of_view(ev.engine), client.get(f"/rounds/{round_id}/report", headers=staff).get_json())
    assert after == before


def _settled(ev) -> None:
    import time

    last = None
    for _ in range(60):
        now = read_model.digest_of_view(ev.engine)
        if now == last:
            return
        last = now
        time.sleep(1.5)
    raise AssertionError("the people view never settled")


def _in_view(ev, *ids) -> bool:
    import sqlalchemy as sa

    from evaluation.adapters.tables import people

    with ev.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).where(people.c.person_id.in_(ids))).scalar() == len(ids)
