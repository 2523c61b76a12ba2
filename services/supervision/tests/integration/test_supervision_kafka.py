"""The supervision worker over the real Kafka broker, as its own principal: events of two towns on
the four topics (published by the services that own them) become the expected figures and
ranking; a record delivered twice counts once; a replay of the four topics rebuilds the view with
the same digest and the same figures; a closed month does not move on a late event; a breach
raises an alert on ``supervision.v1`` and fixing it clears the same alert.

The towns are of a county no other test uses, so records other tests leave on the session
broker's topics do not enter these figures."""

from __future__ import annotations

import random
import uuid

import pytest

from chassis.contracts import servicedesk as sd
from chassis.contracts import supervision as alerts_contract
from chassis.events import Envelope
from chassis.kafka import make_consumer, make_producer
from chassis.topics import EVALUATION, GATEWAY_INBOUND, REGISTRY_PERSON, SERVICEDESK, SUPERVISION
from chassis.unit_of_work import joining
from services.supervision.tests.conftest import NOW
from services.supervision.tests.events import activity, breach, notice, person_event, request, scored, suggestion, veto
from supervision.bootstrap import bootstrap
from supervision.config import SupervisionSettings
from supervision.entrypoints.api.app import create_app
from supervision.entrypoints.worker import build, view_consumer
from supervision.entrypoints.worker import main as worker_main
from supervision.service_layer import months_of_record, view
from tests.support.infra import wait_for
from tests.support.live import running
from tests.support.secrets import strong_secrets
from tests.support.tokens import ISSUER, trusted

pytestmark = pytest.mark.kafka

OWNER = {REGISTRY_PERSON: "registry", EVALUATION: "evaluation", SERVICEDESK: "servicedesk",
         GATEWAY_INBOUND: "sharing-gateway"}  # fmt: skip


@pytest.fixture
def supervision(database_url, kafka):
    sv = bootstrap(
        SupervisionSettings(
            database_url=database_url,
            consumer_group_prefix=f"supervision.t{uuid.uuid4().hex[:6]}",
            **{**strong_secrets(SupervisionSettings), **kafka.settings("supervision"), **trusted()},
        )
    )
    sv.clock = lambda: NOW
    sv.migrate()
    with running(build(sv)):
        yield sv
    sv.engine.dispose()


def publish(kafka, records):
    """Each (topic, envelope) as the service that owns the topic, in order."""
    producers = {}
    for topic, envelope in records:
        owner = OWNER[topic]
        producers.setdefault(owner, make_producer(kafka.access_for(owner)))
        producers[owner].send(topic, key=envelope.key, value=envelope.to_json())
    for p in producers.values():
        p.flush(10)
        p.close()


def two_towns(county):
    town_a, town_b = county + "001000", county + "002000"
    home_a, home_b = county + "001001", county + "002001"
    a1, b1 = f"a-{uuid.uuid4().hex[:8]}", f"b-{uuid.uuid4().hex[:8]}"
    digest = uuid.uuid4().hex.ljust(64, "0")
    opened = request(sd.REQUEST_OPENED, f"r-{a1}", home_a, person=a1)
    return (town_a, town_b), [
        (REGISTRY_PERSON, person_event(a1, unit=home_a, digest=digest)),
        (REGISTRY_PERSON, person_event(b1, unit=home_b)),
        (SERVICEDESK, opened),
        (SERVICEDESK, opened),  # delivered twice: counted once
        (SERVICEDESK, request(sd.REQUEST_RESOLVED, f"r-{a1}", home_a, person=a1)),
        (SERVICEDESK, request(sd.REQUEST_OPENED, f"r-{b1}", home_b, person=b1)),
        (SERVICEDESK, breach(f"r-{b1}", home_b)),
        (SERVICEDESK, request(sd.REQUEST_RESOLVED, f"r-{b1}", home_b, person=b1)),
        (SERVICEDESK, suggestion(sd.SUGGESTION_RECEIVED, f"s-{b1}", home_b)),
        (SERVICEDESK, activity(f"act-{a1}", home_a, 120)),
        (EVALUATION, scored(f"rd-{a1}", a1, home_a)),
        (EVALUATION, scored(f"rd-{a1}", b1, home_b, complete=False)),
        (GATEWAY_INBOUND, notice(f"n-{a1}", digest)),
        (EVALUATION, veto(f"n-{a1}", a1, home_a)),
    ]


def test_events_of_two_towns_become_figures_a_ranking_and_replay_to_the_same_digest(
    supervision, kafka, monkeypatch, capsys
):
    sv = supervision
    county = f"3716{random.randint(10, 99)}"
    (town_a, town_b), records = two_towns(county)
    publish(kafka, records)
    client = create_app(sv).test_client()
    staff = {"Authorization": f"Bearer {ISSUER.issue('inspector', ['viewer'], county + '000000')}"}

    def figures(unit):
        answer = client.get("/assessments/2026-10", query_string={"unit": unit}, headers=staff).get_json()
        return {f["indicator"]: f["value"] for f in answer["figures"]}

    wanted_a = {"people_on_record": "1", "requests_received": "1", "resolved_within_sla": "100.00",
                "evaluation_coverage": "100.00", "notices_handled": "100.00", "people_served": "120"}  # fmt: skip
    wanted_b = {"resolved_within_sla": "0.00", "sla_breaches": "1", "suggestions_answered": "0.00",
                "evaluation_coverage": "0.00", "notices_handled": None}  # fmt: skip
    wait_for(lambda: figures(town_a).items() >= wanted_a.items() and figures(town_b).items() >= wanted_b.items(),
             60, interval=1, message="the figures of both towns")  # fmt: skip
    ranking = client.get("/rankings/2026-10", headers=staff).get_json()["items"]
    assert [(p["unit_code"], p["rank"]) for p in ranking] == [(town_a, 1), (town_b, 2)]

    # the live consumer has read everything: the view settles, then a replay rebuilds it identically
    seen: list[str] = []
    wait_for(lambda: seen.append(view.digest_of_view(sv.engine)) or (len(seen) > 1 and seen[-1] == seen[-2]),
             60, interval=1.5, message="the view settles")  # fmt: skip
    before, figures_before = seen[-1], (figures(town_a), figures(town_b))
    replayer = view_consumer(sv)
    replayer.name = f"{replayer.name}-replay"  # its own group (within the principal's), the live worker keeps running
    replayer.replay(lambda session: view.reset(joining(sv.uow, session), sv.clock()))
    assert view.digest_of_view(sv.engine) == before
    assert (figures(town_a), figures(town_b)) == figures_before
    # the operator's command does the same (in a group of its own: the live worker keeps running)
    environment = {**kafka.env("supervision"), **{k.upper(): v for k, v in strong_secrets(SupervisionSettings).items()},
                   "DATABASE_URL": sv.settings.database_url,
                   "CONSUMER_GROUP_PREFIX": sv.settings.consumer_group_prefix + "-cli"}  # fmt: skip
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert worker_main(["replay"]) == 0
    printed = capsys.readouterr().out.strip().splitlines()[-1]
    assert printed.startswith("view rebuilt from ") and printed.endswith(f" events; digest {before}")

    # closed, October does not move on a late activity in town B
    months_of_record.close_month(sv.uow, sv.scheme, "2026-10", "督查科", "十月结算", NOW)
    publish(kafka, [(SERVICEDESK, activity(f"late-{uuid.uuid4().hex[:6]}", county + "002001", 900))])
    wait_for(lambda: view.digest_of_view(sv.engine) != before, 60, message="the late event reaches the view")
    assert figures(town_b)["people_served"] == figures_before[1]["people_served"] == "0"


def test_a_breach_raises_an_alert_on_the_topic_and_fixing_it_clears_the_same_alert(supervision, kafka):
    county = f"3717{random.randint(10, 99)}"
    town, home = county + "001000", county + "001001"
    november = "2026-11-10T02:00:00+00:00"  # NOW's month
    late = f"late-{uuid.uuid4().hex[:8]}"
    publish(kafka, [
        (SERVICEDESK, request(sd.REQUEST_OPENED, late, home, at=november)),
        (SERVICEDESK, breach(late, home, due="2026-11-05T02:00:00+00:00")),
        (SERVICEDESK, request(sd.REQUEST_RESOLVED, late, home, at=november)),
    ])  # fmt: skip
    reader = make_consumer(kafka.access, None, SUPERVISION)
    seen: list[Envelope] = []

    def alerts_of_town(event_type):
        for records in reader.poll(timeout_ms=500).values():
            seen.extend(Envelope.from_json(r.value) for r in records)
        return [e for e in seen if e.type == event_type and e.data["unit_code"] == town]

    try:
        wait_for(lambda: alerts_of_town(alerts_contract.ALERT_RAISED), 60, interval=0.5, message="the alert raised")
        raised = alerts_of_town(alerts_contract.ALERT_RAISED)
        assert [(e.data["rule"], e.data["subject"], e.data["detail"]) for e in raised] == [
            ("sla_below_target", "2026-11", "诉求按时办结率 0.00%，低于目标 95%")
        ]
        # 19 requests resolved in time of 20: 95 %, the town's target; the alert clears.
        publish(kafka, [(SERVICEDESK, request(sd.REQUEST_RESOLVED, f"ok-{n}-{late}", home, at=november))
                        for n in range(19)])  # fmt: skip
        wait_for(lambda: alerts_of_town(alerts_contract.ALERT_CLEARED), 60, interval=0.5, message="the alert cleared")
        cleared = alerts_of_town(alerts_contract.ALERT_CLEARED)
        assert [e.data["alert_id"] for e in cleared] == [raised[0].data["alert_id"]]
        assert alerts_of_town(alerts_contract.ALERT_RAISED) == raised  # raised once
    finally:
        reader.close()
