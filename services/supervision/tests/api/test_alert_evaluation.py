"""Alert evaluation against the view on SQLite and PostgreSQL: a cause raises one alert and one
``alert.raised`` event in the outbox; evaluating again raises nothing twice; the cause going away
clears the alert with an ``alert.cleared`` event of the same id; a rebuilt view gives the same
alerts (digest) and changes nothing; a notice's id never leaves on the topic."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from chassis.contracts import servicedesk as sd
from chassis.contracts import supervision as alerts_contract
from chassis.contracts import validate_data
from chassis.events import Envelope
from services.supervision.tests.conftest import HOME_A, HOME_B, NOW, TOWN_A, TOWN_B
from services.supervision.tests.events import breach, notice, person_event, request, suggestion
from supervision.adapters.tables import outbox
from supervision.entrypoints.worker import AlertSchedule
from supervision.service_layer import alerting, view

NOV = "2026-11-10T02:00:00+00:00"


def published(sv):
    with sv.engine.connect() as conn:
        rows = conn.execute(sa.select(outbox.c.payload).order_by(outbox.c.id)).scalars().all()
    envelopes = [Envelope.from_json(p) for p in rows]
    for e in envelopes:
        validate_data(e.type, e.data)
    return [(e.type, e.data["rule"], e.data["unit_code"], e.data["subject"], e.data["alert_id"]) for e in envelopes]


def breached_month():
    """Town B resolves a request late this month (0 of 1 in time < 95) and leaves a suggestion of
    3 October unanswered (48 days at NOW, past 30)."""
    return [
        person_event("a1", unit=HOME_A),
        request(sd.REQUEST_OPENED, "rb", HOME_B, at=NOV),
        breach("rb", HOME_B, due="2026-11-05T02:00:00+00:00"),
        request(sd.REQUEST_RESOLVED, "rb", HOME_B, at=NOV),
        suggestion(sd.SUGGESTION_RECEIVED, "sb", HOME_B),
    ]


def test_a_cause_raises_one_alert_once_and_clears_it_when_it_goes_away(sv, feed):
    feed(*breached_month())
    assert alerting.evaluate(sv.uow, sv.scheme, NOW) == {"raised": 2, "cleared": 0}
    first = published(sv)
    assert [row[:4] for row in first] == [
        (alerts_contract.ALERT_RAISED, "sla_below_target", TOWN_B, "2026-11"),
        (alerts_contract.ALERT_RAISED, "suggestion_unanswered", HOME_B, "sb"),
    ]
    assert alerting.evaluate(sv.uow, sv.scheme, NOW) == {"raised": 0, "cleared": 0}
    assert published(sv) == first

    # Nineteen requests resolved in time bring the town to 95 %; the suggestion is answered.
    timely = [request(sd.REQUEST_RESOLVED, f"ok{n}", HOME_B, at=NOV) for n in range(19)]
    feed(*timely, suggestion(sd.SUGGESTION_ANSWERED, "sb", HOME_B, at=NOV))
    assert alerting.evaluate(sv.uow, sv.scheme, NOW) == {"raised": 0, "cleared": 2}
    cleared = published(sv)[2:]
    assert [(t, rule, alert_id) for t, rule, _, _, alert_id in cleared] == [
        (alerts_contract.ALERT_CLEARED, rule, alert_id) for _, rule, _, _, alert_id in first
    ]
    with sv.uow() as uow:
        assert uow.alerts.open() == {}


def test_the_view_rebuilt_gives_the_same_alerts_and_changes_nothing(sv, feed):
    events = breached_month()
    feed(*events)
    alerting.evaluate(sv.uow, sv.scheme, NOW)
    before, sent = alerting.digest_of_alerts(sv.uow), published(sv)
    view.reset(sv.uow, NOW)
    feed(*reversed(events))
    assert alerting.evaluate(sv.uow, sv.scheme, NOW) == {"raised": 0, "cleared": 0}
    assert alerting.digest_of_alerts(sv.uow) == before
    assert published(sv) == sent


def test_a_stale_record_and_an_unhandled_notice_are_alerted_without_the_notice_id(sv, feed):
    registered = person_event("p1", unit=HOME_A, digest="dp1".ljust(64, "0"))
    old = dataclasses.replace(registered, time="2026-03-01T00:00:00+00:00")
    feed(old, notice("N-7", "dp1".ljust(64, "0"), received_at="2026-11-01T02:00:00+00:00"))
    alerting.evaluate(sv.uow, sv.scheme, NOW)
    assert [row[:4] for row in published(sv)] == [
        (alerts_contract.ALERT_RAISED, "notice_unhandled", TOWN_A, None),
        (alerts_contract.ALERT_RAISED, "record_stale", HOME_A, "p1"),
    ]
    with sv.engine.connect() as conn:
        payloads = b"".join(conn.execute(sa.select(outbox.c.payload)).scalars())
    assert b"N-7" not in payloads


def test_a_notices_alert_event_names_the_town_not_a_one_person_community(sv, feed):
    # supervision.v1's unit_code is unconditional in the catalogue: a community of one person would
    # tell who has a notice (review 22).
    feed(person_event("only", unit=HOME_A, digest="dn".ljust(64, "0")),
         notice("n1", "dn".ljust(64, "0"), received_at="2026-10-01T02:00:00+00:00"))  # fmt: skip
    alerting.evaluate(sv.uow, sv.scheme, NOW)
    assert [row[1:4] for row in published(sv)] == [("notice_unhandled", TOWN_A, None)]


def test_the_worker_evaluates_when_the_view_took_events_or_the_interval_passed(sv, feed):
    schedule = AlertSchedule(sv, every_s=3600)
    assert schedule() is None  # first run: nothing to raise
    feed(*breached_month())
    assert schedule() is None  # no event noted, the interval not passed: not evaluated
    assert published(sv) == []
    schedule.note()
    assert schedule() == {"raised": 2, "cleared": 0}
    schedule.note()
    assert schedule() is None  # evaluated, nothing changed
    assert len(published(sv)) == 2
