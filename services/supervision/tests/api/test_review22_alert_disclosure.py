"""Review 22: the notice alert tells what the notices figure withholds.

A community's violation notices figure is withheld from staff who may not see notices' people
(``assessment._as_read_by``): a community may hold a handful of people, so "this community has a
notice" tells who has one. The ``notice_unhandled`` alert is raised at the person's unit, the
community, and any staff role of the community or its town reads it in ``GET /alerts`` (rule,
community, the day the notice came); ``supervision.v1`` carries the same unit code, which the
catalogue marks unconditional (shareable as work data). Expected once fixed: to those who may not
see notices' people the alert names the town, not the community (or is not listed), and the event
names the town."""

from __future__ import annotations

import sqlalchemy as sa

from chassis.events import Envelope
from services.supervision.tests.conftest import HOME_A, NOW, TOWN_A
from services.supervision.tests.events import notice, person_event
from supervision.adapters.tables import outbox
from supervision.service_layer import alerting

DIGEST = "dn".ljust(64, "0")


def one_person_community_with_an_old_notice(sv, feed):
    feed(
        person_event("only", unit=HOME_A, digest=DIGEST), notice("n1", DIGEST, received_at="2026-10-01T02:00:00+00:00")
    )
    alerting.evaluate(sv.uow, sv.scheme, NOW)


def test_a_viewer_cannot_tell_from_the_alerts_that_a_community_has_a_notice(sv, feed, client, auth):
    one_person_community_with_an_old_notice(sv, feed)
    viewer = auth(roles=("viewer",), unit=TOWN_A)
    # The figure is withheld from this viewer (test_assessments: ..._cannot_tell_who_has_one) ...
    answer = client.get("/assessments/2026-10", query_string={"unit": HOME_A}, headers=viewer).get_json()
    assert next(f for f in answer["figures"] if f["indicator"] == "notices_handled")["value"] is None
    # ... but the task list names the community that has a notice, and since when.
    for unit in (TOWN_A, HOME_A):
        listed = client.get("/alerts", query_string={"unit": unit}, headers=viewer).get_json()["items"]
        told = [(a["unit_code"], a["detail"]) for a in listed if a["rule"] == "notice_unhandled"]
        assert all(code != HOME_A for code, _ in told), f"GET /alerts?unit={unit} tells a viewer: {told}"


def test_the_alert_event_does_not_place_a_notice_in_a_community(sv, feed):
    one_person_community_with_an_old_notice(sv, feed)
    with sv.engine.connect() as conn:
        payloads = conn.execute(sa.select(outbox.c.payload)).scalars().all()
    events = [Envelope.from_json(p).data for p in payloads]
    notices = [e for e in events if e["rule"] == "notice_unhandled"]
    assert notices, events
    # supervision.v1's unit_code is unconditional in the catalogue: it must not be the one-person community.
    assert [e["unit_code"] for e in notices] == [TOWN_A]
