"""Contacts end to end (联系人), over Kafka: staff give a CPPCC member a responsible cadre and plan
a follow-up for yesterday; the registry worker sends its ``follow_up_due`` reminder on
``registry.liaison.v1`` once, however many sweeps follow; a town cadre of another town neither
sees it in their task list nor can close it, and the overdue count names the member's town."""

from __future__ import annotations

import datetime as dt
import time

from kafka import KafkaConsumer

from chassis.contracts.liaison import FOLLOW_UP_DUE
from chassis.events import Envelope
from chassis.kafka import KafkaAccess
from chassis.topics import REGISTRY_LIAISON
from tests.e2e.conftest import HOME_A, TOWN_A, TOWN_B, is_problem, new_person, wait_for


def test_a_follow_up_falling_due_is_reminded_once_and_stays_in_its_town(platform, as_staff):
    registry = as_staff("registry", ("editor",))
    member = registry.post("/people", json=new_person(HOME_A, roles=("cppcc",)))
    assert member.status_code == 201, member.text
    pid = member.json()["id"]
    cadre = {"cadre": {"subject": "town-a-liaison", "name": "王丽", "unit": TOWN_A}, "reason": "年度分工"}
    assert registry.put(f"/people/{pid}/cadre", json=cadre).status_code == 200
    yesterday = ((dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date() - dt.timedelta(days=1)).isoformat()
    planned = registry.post(f"/people/{pid}/follow-ups", json={"due_on": yesterday, "note": "走访了解履职情况"})
    assert planned.status_code == 201, planned.text
    follow_up = planned.json()
    assert follow_up["overdue"] is True

    consumer = KafkaConsumer(
        REGISTRY_LIAISON,
        **KafkaAccess.from_env(platform.kafka.client_env("admin")).client_config(),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        consumer_timeout_ms=500,
        metadata_max_age_ms=1000,
    )
    reminders: list[Envelope] = []

    def read() -> bool:
        reminders.extend(e for e in (Envelope.from_json(r.value) for r in consumer) if e.subject == pid)
        return bool(reminders)

    wait_for(read, 90, 0.5, "the follow-up's reminder on registry.liaison.v1")
    time.sleep(4)  # several more sweeps (FOLLOW_UP_REMINDER_INTERVAL=1): none may send it again
    read()
    consumer.close()
    assert [(e.type, e.data["follow_up_id"]) for e in reminders] == [(FOLLOW_UP_DUE, str(follow_up["id"]))]
    assert (reminders[0].data["cadre_subject"], reminders[0].data["due_on"]) == ("town-a-liaison", yesterday)
    assert "note" not in reminders[0].data

    stranger = as_staff("registry", ("editor",), unit=TOWN_B, sub="town-b-editor")
    assert stranger.get("/follow-ups", params={"cadre": "town-a-liaison"}).json()["items"] == []
    closed = stranger.post(f"/follow-ups/{follow_up['id']}/close", json={"state": "done", "outcome": "已走访"})
    assert is_problem(closed, 404)
    counts = as_staff("registry", ("viewer",)).get("/follow-ups/overdue-counts").json()
    assert next(r for r in counts["rows"] if r["unit_code"] == TOWN_A)["overdue"] >= 1
