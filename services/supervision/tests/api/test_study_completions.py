"""Study completions from the service desk (``study_assignment.completed``) counted per unit and month,
a figure no shipped scheme weighs: the scores stay as they were."""

from __future__ import annotations

from services.supervision.tests.conftest import TOWN_A, TOWN_B
from services.supervision.tests.events import activity, study_completed

A1, A2 = "370783001001", "370783001002"


def test_completions_are_counted_by_unit_and_month_and_leave_the_score_alone(client, auth, feed):
    feed(activity("act1", A1, 10), activity("act2", TOWN_B, 5))
    before = client.get("/assessments/2026-10", query_string={"unit": TOWN_A}, headers=auth()).get_json()["score"]
    first = study_completed("as1", "m1", A1)
    feed(first, first, study_completed("as1", "m2", A2), study_completed("as1", "m3", A2, "2026-10-31T16:30:00+00:00"))

    def completions(unit, month="2026-10"):
        a = client.get(f"/assessments/{month}", query_string={"unit": unit}, headers=auth()).get_json()
        return next(f for f in a["figures"] if f["indicator"] == "study_completions")["value"], a["score"]

    assert completions(TOWN_A) == ("2", before)  # m3's completion was on 1 November, Beijing time
    assert completions(A2)[0] == "1" and completions(TOWN_B)[0] == "0"
    assert completions(TOWN_A, "2026-11")[0] == "1"
    drill = client.get(
        "/assessments/2026-10/indicators/study_completions/events", query_string={"unit": TOWN_A}, headers=auth()
    ).get_json()
    assert sorted(i["unit_code"] for i in drill["items"]) == [A1, A2]
