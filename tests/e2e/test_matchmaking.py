"""Matchmaking and members' resources end to end, through the running platform and its Kafka: a
bank–enterprise matchmaking event with two outcomes (a project signed, a loan granted) counted
in the year's figures exactly to the fen, their events on ``servicedesk.v1``; and a registered
member's offer found by "who can help with financing in this town?" with its event."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from kafka import KafkaConsumer, TopicPartition

from chassis.events import Envelope
from chassis.kafka import KafkaAccess
from chassis.topics import SERVICEDESK
from chassis.work_calendar import CST
from tests.e2e.conftest import HOME_A, TOWN_A, wait_for
from tests.e2e.test_scenarios import register

PREFIX = "cn.tongxin.servicedesk."


def servicedesk_events(platform, wanted: set[str]) -> list[Envelope]:
    """The events on ``servicedesk.v1`` about the given objects (by subject), read to the topic's end."""
    access = KafkaAccess.from_env(platform.kafka.client_env("admin"))
    consumer = KafkaConsumer(**access.client_config(), auto_offset_reset="earliest")
    partitions = [TopicPartition(SERVICEDESK, p) for p in sorted(consumer.partitions_for_topic(SERVICEDESK) or ())]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    end = consumer.end_offsets(partitions)
    found, deadline = [], time.monotonic() + 60
    while any(consumer.position(tp) < end[tp] for tp in partitions) and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=1000).values():
            found += [e for r in records if (e := Envelope.from_json(r.value)).subject in wanted]
    consumer.close()
    return found


def figures(desk, year: int) -> dict:
    r = desk.get("/matchmaking/figures", params={"year": year, "unit": TOWN_A})
    assert r.status_code == 200, r.text
    return r.json()


def test_a_matchmaking_event_with_two_outcomes_counted_in_the_years_figures(platform, as_staff):
    registry, desk = as_staff("registry", ("editor",)), as_staff("servicedesk", ("editor",), TOWN_A)
    expert = register(registry, unit=HOME_A, name="钱融通")
    today = dt.datetime.now(CST).date()
    before = figures(desk, today.year)
    event = {
        "kind": "bank_enterprise",
        "unit_code": TOWN_A,
        "held_on": today.isoformat(),
        "title": "银企对接会（端到端）",
        "participants": [
            {"role": "enterprise", "organisation": "寿光端到端蔬菜公司"},
            {"role": "bank", "organisation": "寿光农商银行"},
            {"role": "expert", "person_id": expert["id"]},
        ],
    }
    created = wait_for(lambda: (r := desk.post("/matchmaking/events", json=event)).status_code == 201 and r.json(),
                       60, 0.3, "the service desk knows the expert")  # fmt: skip
    assert [p["name"] for p in created["participants"]][-1] == "钱融通"
    path = f"/matchmaking/events/{created['id']}/outcomes"
    signed = desk.post(path, json={"kind": "project_signed", "enterprise": "寿光端到端蔬菜公司",
                                   "amount_yuan": "23000000.07", "agreed_on": today.isoformat()})  # fmt: skip
    loan = desk.post(path, json={"kind": "loan_granted", "enterprise": "寿光端到端种业公司", "partner": "寿光农商银行",
                                 "amount_yuan": "5000000.10", "agreed_on": today.isoformat()})  # fmt: skip
    assert signed.status_code == loan.status_code == 201, (signed.text, loan.text)
    moved = desk.post(f"/matchmaking/outcomes/{loan.json()['id']}/state", json={"state": "completed"})
    assert moved.status_code == 200 and [h["to_state"] for h in moved.json()["history"]] == ["agreed", "completed"]

    after = figures(desk, today.year)
    grew = {k: after[k] - before[k] for k in ("projects_signed", "loans_granted", "outcomes_completed", "events_held")}
    assert grew == {"projects_signed": 1, "loans_granted": 1, "outcomes_completed": 1, "events_held": 1}
    assert Decimal(after["signed_yuan"]) - Decimal(before["signed_yuan"]) == Decimal("23000000.07")
    assert Decimal(after["loan_yuan"]) - Decimal(before["loan_yuan"]) == Decimal("5000000.10")
    assert after["enterprises_helped"] - before["enterprises_helped"] == 2

    ids = {signed.json()["id"], loan.json()["id"]}
    sent = wait_for(lambda: len(e := servicedesk_events(platform, ids)) >= 3 and e, 60, 1, "the outcome events")
    recorded = {e.subject: e.data for e in sent if e.type == PREFIX + "matchmaking.outcome_recorded.v1"}
    assert {d["amount_fen"] for d in recorded.values()} == {2_300_000_007, 500_000_010}
    changed = [e.data for e in sent if e.type == PREFIX + "matchmaking.outcome_changed.v1"]
    assert [(d["outcome_id"], d["previous_state"], d["state"]) for d in changed] == [
        (loan.json()["id"], "agreed", "completed")
    ]


def test_a_members_offer_answers_who_can_help_with_financing_in_the_town(platform, as_staff):
    registry, desk = as_staff("registry", ("editor",)), as_staff("servicedesk", ("editor",), TOWN_A)
    member = register(registry, unit=HOME_A, name="孙担保")
    offer = {"person_id": member["id"], "field": "financing", "kind": "expertise", "title": "融资担保咨询",
             "description": "为小微企业提供融资担保咨询。", "visibility": "town", "consent": True}  # fmt: skip
    published = wait_for(lambda: (r := desk.post("/resources/offers", json=offer)).status_code == 201 and r.json(),
                         60, 0.3, "the service desk knows the member")  # fmt: skip
    found = desk.get("/resources/offers", params={"field": "financing", "unit": TOWN_A, "q": "sundanbao"}).json()
    assert [o["id"] for o in found["items"]] == [published["id"]]
    sent = wait_for(lambda: servicedesk_events(platform, {published["id"]}), 60, 1, "the offer's event")
    assert [(e.type, e.data["person_id"], e.data["field"]) for e in sent] == [
        (PREFIX + "offer.published.v1", member["id"], "financing")
    ]
