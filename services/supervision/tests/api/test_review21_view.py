"""Review 21 (issue 20), failing demonstrations on the view and the API: the people view holds only
each person's present, so a move or a later registration rewrites past months (and carries a
violation notice to the new town); a viewer who may not see notices can still tell who has one; a
replay throws away what the event topics no longer hold."""

from __future__ import annotations

import dataclasses

from chassis.contracts import servicedesk as sd
from services.supervision.tests.conftest import HOME_A, HOME_B, TOWN_A
from services.supervision.tests.events import activity, person_event, request, suggestion


def at(envelope, iso):
    return dataclasses.replace(envelope, time=iso)


def figure(client, headers, unit, indicator, month="2026-10"):
    r = client.get(f"/assessments/{month}", query_string={"unit": unit}, headers=headers)
    assert r.status_code == 200, r.get_json()
    return next(f for f in r.get_json()["figures"] if f["indicator"] == indicator)


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
