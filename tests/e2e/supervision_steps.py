"""The steps of the supervision end-to-end test (``test_supervision``) that are not what it asserts:
reading a figure, reading ``supervision.v1`` to its end, handling a request well, running an
evaluation round to publication, and replaying the view; kept apart so the test reads as its story."""

from __future__ import annotations

import subprocess
import time
import uuid
from decimal import Decimal

from kafka import KafkaConsumer, TopicPartition

from chassis.events import Envelope
from chassis.kafka import KafkaAccess
from chassis.topics import SUPERVISION
from tests.e2e.conftest import engine_of, wait_for
from tests.e2e.test_scenarios import items
from tests.support.infra import say


def figures_of(assessment: dict) -> dict[str, dict]:
    return {f["indicator"]: f for f in assessment["figures"]}


def value(figure: dict) -> Decimal | None:
    return None if figure["value"] is None else Decimal(figure["value"])


def supervision_events_about(platform, alert_id: str) -> list[Envelope]:
    """The events on ``supervision.v1`` about one alert, read to the topic's end as the admin tooling."""
    access = KafkaAccess.from_env(platform.kafka.client_env("admin"))
    consumer = KafkaConsumer(**access.client_config(), auto_offset_reset="earliest")
    partitions = [TopicPartition(SUPERVISION, p) for p in sorted(consumer.partitions_for_topic(SUPERVISION) or ())]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    end = consumer.end_offsets(partitions)
    found, deadline = [], time.monotonic() + 60
    while any(consumer.position(tp) < end[tp] for tp in partitions) and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=1000).values():
            found += [e for r in records if (e := Envelope.from_json(r.value)).data["alert_id"] == alert_id]
    consumer.close()
    return found


def resolve_in_time(desk, person_id: str, unit: str) -> str:
    """A request handled well: accepted, resolved well within its SLA, closed with the member's rating 5."""
    body = {"person_id": person_id, "category": "policy", "title": "政策咨询", "description": "惠企政策",
            "handling_unit": unit}  # fmt: skip
    rid = wait_for(lambda: (r := desk.post("/requests", json=body)).status_code == 201 and r.json()["id"], 60, 0.3,
                   "the service desk knows the member")  # fmt: skip
    for action, extra in (
        ("accept", {}),
        ("start", {}),
        ("resolve", {"note": "已答复"}),
        ("close", {"satisfaction": 5}),
    ):
        r = desk.post(f"/requests/{rid}/{action}", json=extra)
        assert r.status_code == 200, (action, r.text)
    return rid


def evaluation_round(as_staff, town: str, person_id: str, sources: tuple[str, ...]) -> None:
    """A round of ``town`` (its cohort: ``person_id``, its only representative), rated by ``sources``,
    closed, reviewed and published: the publication announces each person's score on evaluation.v1."""
    evaluation = as_staff("evaluation", ("evaluator",))
    wait_for(lambda: evaluation.get(f"/people/{person_id}").status_code == 200, 60, 0.3, "evaluation learns them")
    created = evaluation.post("/rounds", json={"name": f"督查端到端{uuid.uuid4().hex[:4]}", "scope_unit": town,
                                               "starts_on": "2026-01-01", "ends_on": "2026-12-31"})  # fmt: skip
    assert created.status_code == 201, created.text
    round_id = created.json()["id"]
    assert evaluation.post(f"/rounds/{round_id}/open").status_code == 200
    scores = {"scores": {c: 8 for c in items(evaluation)}}
    rated = evaluation.put(f"/rounds/{round_id}/people/{person_id}/official-rating", json=scores)
    assert rated.status_code == 201, rated.text
    for source in sources:
        (token,) = evaluation.post(f"/rounds/{round_id}/tokens", json={"person_id": person_id, "source": source}).json()
        extra = {"phone": "13912345678"} if source == "public" else {}
        assert evaluation.post(f"/rate/{token['token']}", json={**scores, **extra}).status_code == 201
    assert evaluation.post(f"/rounds/{round_id}/close").status_code == 200
    reviewer = as_staff("evaluation", ("reviewer",), sub="e2e-supervision-reviewer")
    publisher = as_staff("evaluation", ("reviewer",), sub="e2e-supervision-publisher")
    assert reviewer.post(f"/rounds/{round_id}/review").status_code == 200
    assert publisher.post(f"/rounds/{round_id}/publish").status_code == 200


def replay_keeps_the_view(platform, figures) -> None:
    from supervision.service_layer import alerting, view
    from supervision.service_layer.unit_of_work import UnitOfWork

    engine = engine_of(platform, "supervision")
    seen: list[str] = []

    def settled() -> bool:
        seen.append(view.digest_of_view(engine))
        return len(seen) > 2 and seen[-1] == seen[-3]

    wait_for(settled, 120, 1.0, "the supervision view settles")
    worker = dict(platform.processes)["supervision-worker"]
    worker.terminate()
    worker.wait(30)
    before, alerts_before, figures_before = view.digest_of_view(engine), alerting.digest_of_alerts(
        lambda: UnitOfWork(engine)), figures()  # fmt: skip
    command, env = platform.commands["supervision-worker"]
    done = subprocess.run([*command, "replay"], env=env, capture_output=True, text=True, timeout=300)
    platform.restart("supervision-worker")
    assert done.returncode == 0, done.stderr[-2000:]
    after = view.digest_of_view(engine)
    say(f"supervision view: {done.stdout.strip()}; before {before[:12]}, after {after[:12]}")
    assert after == before and before in done.stdout
    time.sleep(5)  # the restarted worker evaluates its rules: the same causes, nothing raised or cleared
    assert alerting.digest_of_alerts(lambda: UnitOfWork(engine)) == alerts_before
    assert figures() == figures_before
    engine.dispose()
