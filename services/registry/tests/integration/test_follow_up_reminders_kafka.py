"""Follow-up reminders over a real Kafka broker: the registry worker sends one ``follow_up_due``
per follow-up that falls due, on ``registry.liaison.v1``, and never again however often it sweeps."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid

import pytest
from kafka import KafkaConsumer

from chassis.contracts.liaison import FOLLOW_UP_DUE
from chassis.events import Envelope
from chassis.topics import REGISTRY_LIAISON
from registry.bootstrap import bootstrap
from registry.config import RegistrySettings
from registry.domain.liaison import today_in_china
from registry.entrypoints.api.app import create_app
from registry.entrypoints.worker import build
from registry.service_layer.units import load_shipped_units
from services.registry.tests.support import SHENGCHENG, person_body
from tests.support.infra import wait_for
from tests.support.secrets import strong_secrets
from tests.support.tokens import staff_headers, trusted

pytestmark = pytest.mark.kafka


@pytest.fixture
def live(database_url, kafka):
    """A registry app and its whole worker, sweeping for follow-ups every 0.2 s."""
    reg = bootstrap(
        RegistrySettings(
            database_url=database_url,
            outbox_poll_interval=0.05,
            follow_up_reminder_interval=0.2,
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
    yield create_app(reg).test_client()
    for p in parts:
        p.stop()
    for t in threads:
        t.join(30)
    reg.engine.dispose()


def test_a_follow_up_falling_due_is_reminded_once_over_kafka(live, kafka):
    client, headers = live, staff_headers()
    roles = [{"body": "npc", "level": "county", "title": "人大代表"}]
    body = person_body(name="高峰", representative_roles=roles, vetting_basis="换届考察合格")
    pid = client.post("/people", json=body, headers=headers).get_json()["id"]
    cadre = {"cadre": {"subject": "wang.li", "name": "王丽", "unit": SHENGCHENG}}
    assert client.put(f"/people/{pid}/cadre", json=cadre, headers=headers).status_code == 200
    day = lambda n: (today_in_china(dt.datetime.now(dt.UTC)) + dt.timedelta(days=n)).isoformat()  # noqa: E731
    due = client.post(f"/people/{pid}/follow-ups", json={"due_on": day(-1), "note": "回访"}, headers=headers)
    client.post(f"/people/{pid}/follow-ups", json={"due_on": day(5), "note": "下周回访"}, headers=headers)

    consumer = KafkaConsumer(
        REGISTRY_LIAISON,
        **kafka.access.client_config(),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        consumer_timeout_ms=500,
        metadata_max_age_ms=1000,
    )
    seen: list[Envelope] = []

    def read() -> bool:
        seen.extend(e for e in (Envelope.from_json(r.value) for r in consumer) if e.subject == pid)
        return len(seen) >= 1

    wait_for(read, 60, message="the follow-up's reminder")
    time.sleep(2)  # ten more sweeps: none may send it again
    read()
    consumer.close()
    assert [(e.type, e.data["follow_up_id"]) for e in seen] == [(FOLLOW_UP_DUE, str(due.get_json()["id"]))]
    assert seen[0].data["cadre_subject"] == "wang.li" and seen[0].data["due_on"] == day(-1)
