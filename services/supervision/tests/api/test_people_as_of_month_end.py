"""A month reads its people as they were at its end (review 21): the view keeps every version of
each person from its day, so a move or a later registration does not rewrite a past month, and a
violation notice stays with the town the person lived in (whose evaluators alone may see the person)."""

from __future__ import annotations

import dataclasses

from services.supervision.tests.conftest import HOME_A, HOME_B, TOWN_A, TOWN_B
from services.supervision.tests.events import notice, person_event


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
    # October is open and read as of its end: the move of November does not rewrite it.
    assert figure(client, auth(), TOWN_A, "people_on_record")["value"] == "1"
    # nothing of October names town B: not measured (never 0), and certainly not the person's 1
    assert figure(client, auth(), TOWN_B, "people_on_record")["value"] is None


def test_a_person_first_registered_in_november_is_not_on_record_in_september(client, auth, feed):
    feed(at(person_event("late", unit=HOME_A, version=1), "2026-11-05T02:00:00+00:00"))
    # nothing of September names town A: not measured (never 0), and not the late record's 1
    assert figure(client, auth(), TOWN_A, "people_on_record", month="2026-09")["value"] is None
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
    # The person lives in town B today; B's evaluators are not given the person id of a notice from
    # before the person arrived, and town A's are.
    evaluator_b = auth(roles=("evaluator",), unit=TOWN_B)
    r = client.get("/assessments/2026-10/indicators/notices_handled/events", query_string={"unit": TOWN_B},
                   headers=evaluator_b)  # fmt: skip
    assert r.get_json()["items"] == []
    evaluator_a = auth(roles=("evaluator",), unit=TOWN_A)
    r = client.get("/assessments/2026-10/indicators/notices_handled/events", query_string={"unit": TOWN_A},
                   headers=evaluator_a)  # fmt: skip
    assert [i["person_id"] for i in r.get_json()["items"]] == ["p1"]
