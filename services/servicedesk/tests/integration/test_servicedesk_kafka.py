"""The service desk over a real Kafka broker, beside a real registry: a person registered in the
registry can open a request; once archived there, a new request is refused; the request's event
reaches ``servicedesk.v1``; rebuilding the people view by replay gives the same view."""

from __future__ import annotations

import uuid

import pytest
from kafka import KafkaConsumer

from chassis.events import Envelope
from chassis.topics import SERVICEDESK
from chassis.unit_of_work import joining
from registry.bootstrap import bootstrap as registry_bootstrap
from registry.config import RegistrySettings
from registry.entrypoints.api.app import create_app as registry_app
from registry.entrypoints.worker import build as registry_worker
from registry.service_layer.units import load_shipped_units
from servicedesk.bootstrap import bootstrap
from servicedesk.config import ServiceDeskSettings
from servicedesk.entrypoints.api.app import create_app
from servicedesk.entrypoints.worker import build, people_consumer
from servicedesk.service_layer import read_model
from services.registry.tests.support import DONGGUAN, person_body
from tests.support.infra import wait_for
from tests.support.live import running
from tests.support.secrets import strong_secrets
from tests.support.tokens import staff_headers, trusted

pytestmark = pytest.mark.kafka


@pytest.fixture
def platform(database_url, kafka, tmp_path):
    group = uuid.uuid4().hex[:6]
    reg = registry_bootstrap(
        RegistrySettings(
            database_url=f"sqlite:///{tmp_path / 'registry.db'}",
            outbox_poll_interval=0.05,
            consumer_group_prefix=f"reg-{group}",
            **{**strong_secrets(RegistrySettings), **kafka.settings(), **trusted()},
        )
    )
    reg.migrate()
    load_shipped_units(reg.engine)
    desk = bootstrap(
        ServiceDeskSettings(
            database_url=database_url,
            outbox_poll_interval=0.05,
            consumer_group_prefix=f"desk-{group}",
            **{**strong_secrets(ServiceDeskSettings), **kafka.settings(), **trusted()},
        )
    )
    desk.migrate()
    with running(registry_worker(reg)), running(build(desk)) as parts:
        yield reg, desk, parts
    reg.engine.dispose()
    desk.engine.dispose()


def test_registry_people_can_ask_until_archived(platform, kafka):
    reg, desk, _ = platform
    registry, client = registry_app(reg).test_client(), create_app(desk).test_client()
    person_id = registry.post("/people", json=person_body(name="赵建国"), headers=staff_headers()).get_json()["id"]
    ask = {"person_id": person_id, "category": "financing", "title": "贷款咨询", "description": "企业流动资金贷款咨询"}
    staff = staff_headers()
    wait_for(lambda: client.post("/requests", json=ask, headers=staff).status_code == 201, 60, message="person known")
    archived = registry.post(
        f"/people/{person_id}/archive",
        json={"reason": "迁出本市"},
        headers=staff_headers(**{"If-Match": '"v1"'}),
    )
    assert archived.status_code == 200, archived.get_json()

    def refused() -> bool:
        r = client.post("/requests", json=ask, headers=staff)
        assert r.status_code in (201, 409), r.get_json()
        return r.status_code == 409

    wait_for(refused, 60, message="archive reaches the service desk")
    mine = client.get(f"/requests?person_id={person_id}", headers=staff).get_json()["items"]
    assert mine and all(i["unit_code"] == DONGGUAN for i in mine)

    consumer = KafkaConsumer(
        SERVICEDESK,
        metadata_max_age_ms=1000,
        **kafka.access.client_config(),
        auto_offset_reset="earliest",
        consumer_timeout_ms=500,
    )
    seen: list[Envelope] = []

    def published() -> bool:
        seen.extend(e for e in (Envelope.from_json(r.value) for r in consumer) if e.data.get("person_id") == person_id)
        return {e.subject for e in seen} == {i["id"] for i in mine}

    wait_for(published, 60, message="request.opened on servicedesk.v1")
    consumer.close()
    assert all(e.type == "cn.tongxin.servicedesk.request.opened.v1" for e in seen)


def test_the_people_view_rebuilt_by_replay_is_identical(platform):
    reg, desk, _ = platform
    registry = registry_app(reg).test_client()
    ids = [
        registry.post("/people", json=person_body(name=f"钱{n}"), headers=staff_headers()).get_json()["id"]
        for n in "一二三"
    ]

    def known() -> bool:
        with desk.engine.connect() as conn:
            return (
                conn.execute(read_model.people.select().where(read_model.people.c.person_id.in_(ids))).all().__len__()
                == 3
            )

    wait_for(known, 60, message="people in the view")
    # Let the live consumer finish the whole topic (three partitions) before taking the picture.
    previous: list[str] = []

    def settled() -> bool:
        previous.append(read_model.digest_of_view(desk.engine))
        return len(previous) > 1 and previous[-1] == previous[-2]

    wait_for(settled, 60, interval=1.5, message="the people view settles")
    before = read_model.digest_of_view(desk.engine)
    replayer = people_consumer(desk)
    replayer.name = f"replay-{uuid.uuid4().hex[:6]}"  # its own group, so the live worker keeps running
    replayer.replay(lambda session: read_model.reset(joining(desk.uow, session)))
    assert read_model.digest_of_view(desk.engine) == before
