"""Review 21 (issue 20), failing demonstrations on the view and the API: the people view holds only
each person's present, so a move or a later registration rewrites past months (and carries a
violation notice to the new town); a viewer who may not see notices can still tell who has one; a
replay throws away what the event topics no longer hold."""

from __future__ import annotations

import dataclasses

from chassis.contracts import servicedesk as sd
from services.supervision.tests.conftest import HOME_A, HOME_B, TOWN_A, TOWN_B
from services.supervision.tests.events import activity, notice, person_event, request, suggestion


def at(envelope, iso):
    return dataclasses.replace(envelope, time=iso)


def figure(client, headers, unit, indicator, month="2026-10"):
    r = client.get(f"/assessments/{month}", query_string={"unit": unit}, headers=headers)
    assert r.status_code == 200, r.get_json()
    return next(f for f in r.get_json()["figures"] if f["indicator"] == indicator)


def test_a_person_who_moved_in_november_still_counts_for_the_town_they_were_in_in_october(client, auth, feed):
    feed(
        at(person_event("p1", unit=HOME_A, version=1), "2026-09-10T02:00:00+00:00"),
        at(person_event("p1", unit=HOME_B, version=2), "2026-11-05T02:00:00+00:00"),  # moved to town B
    )
    # October is open: its people figures are read from today's people view, so the move rewrites it.
    assert figure(client, auth(), TOWN_A, "people_on_record")["value"] == "1"
    assert figure(client, auth(), TOWN_B, "people_on_record")["value"] == "0"


def test_a_person_first_registered_in_november_is_not_on_record_in_september(client, auth, feed):
    feed(at(person_event("late", unit=HOME_A, version=1), "2026-11-05T02:00:00+00:00"))
    assert figure(client, auth(), TOWN_A, "people_on_record", month="2026-09")["value"] == "0"
    # and a record first written in November is no evidence it was "kept current" in September
    assert figure(client, auth(), TOWN_A, "records_current", month="2026-09")["value"] is None


def test_an_october_notice_stays_with_the_town_the_person_lived_in(client, auth, feed):
    digest = "dn".ljust(64, "0")
    feed(
        at(person_event("p1", unit=HOME_A, version=1, digest=digest), "2026-09-10T02:00:00+00:00"),
        notice("n1", digest, received_at="2026-10-05T02:00:00+00:00"),
        at(person_event("p1", unit=HOME_B, version=2, digest=digest), "2026-11-05T02:00:00+00:00"),
    )
    assert figure(client, auth(), TOWN_A, "notices_handled")["events"] == 1
    # Today it moved to town B, whose evaluators are then given the person id of a notice from before
    # the person arrived.
    evaluator_b = auth(roles=("evaluator",), unit=TOWN_B)
    r = client.get("/assessments/2026-10/indicators/notices_handled/events", query_string={"unit": TOWN_B},
                   headers=evaluator_b)  # fmt: skip
    assert r.get_json()["items"] == []


def test_a_viewer_who_may_not_see_notices_cannot_tell_who_has_one(client, auth, feed):
    digest = "dn".ljust(64, "0")
    feed(person_event("only", unit=HOME_A, digest=digest), notice("n1", digest))
    viewer = auth(roles=("viewer",), unit=TOWN_A)
    # The community has one person on record, named by the people drill-down ...
    people = client.get("/assessments/2026-10/indicators/people_on_record/events", query_string={"unit": HOME_A},
                        headers=viewer).get_json()["items"]  # fmt: skip
    assert [p["person_id"] for p in people] == ["only"]
    # ... so a notice counted at that community names that person, though the drill-down hides the id.
    assert figure(client, viewer, HOME_A, "notices_handled")["events"] == 0


def test_a_ranking_says_out_of_how_many_points_each_index_was_measured(client, auth, feed):
    # Town A has people and nothing else (measured on 32 points); town B also handled a request and held
    # an activity (measured on 37). Both indexes are "of 100"; the ranking does not say on what base.
    feed(
        person_event("a1", unit=HOME_A),
        person_event("b1", unit=HOME_B),
        request(sd.REQUEST_OPENED, "rb", HOME_B, person="b1"),
        request(sd.REQUEST_RESOLVED, "rb", HOME_B, person="b1"),
        activity("act-b", HOME_B, 10),
    )
    r = client.get("/rankings/2026-10", query_string={"within": "370783000000"}, headers=auth())
    assert r.status_code == 200, r.get_json()
    assert all("out_of" in place for place in r.get_json()["items"]), r.get_json()["items"]


def test_anonymous_suggestions_nobody_triaged_do_not_drag_a_towns_score(client, auth, feed):
    # The mailbox is public and anonymous (servicedesk POST /suggestions, 20 a minute per client): anyone,
    # a rival town's staff included, may post to town A. The desk has no way to set spam aside but to
    # forward and answer each one, and every one received counts in the share worth 10 points.
    feed(suggestion(sd.SUGGESTION_RECEIVED, "real", HOME_A), suggestion(sd.SUGGESTION_ANSWERED, "real", HOME_A))
    feed(*(suggestion(sd.SUGGESTION_RECEIVED, f"spam{i}", HOME_A) for i in range(20)))
    assert figure(client, auth(), TOWN_A, "suggestions_answered")["value"] == "100.00"
