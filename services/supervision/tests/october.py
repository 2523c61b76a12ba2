"""The worked month the supervision's API tests read (October 2026 in two towns), shared by the
assessment, closed-month and monthly-report tests so that each checks its figures against one hand count."""

from __future__ import annotations

from chassis.contracts import servicedesk as sd
from services.supervision.tests.conftest import HOME_A, HOME_B
from services.supervision.tests.events import (
    activity,
    breach,
    notice,
    person_event,
    request,
    scored,
    suggestion,
    veto,
)


def october(feed):
    """Town A: 2 people, a request resolved in time (rated 5), an answered suggestion, 2 activities
    serving 120, both scored with all three sources, a court notice vetoed. Town B: 1 person, a request
    resolved late (rated 2), a suggestion never answered, no activity, one score missing a source."""
    feed(
        person_event("a1", unit=HOME_A, digest="da1".ljust(64, "0")),
        person_event("a2", unit=HOME_A),
        person_event("b1", unit=HOME_B),
        request(sd.REQUEST_OPENED, "ra", HOME_A, person="a1"),
        request(sd.REQUEST_RESOLVED, "ra", HOME_A, person="a1"),
        request(sd.REQUEST_CLOSED, "ra", HOME_A, person="a1", satisfaction=5),
        request(sd.REQUEST_OPENED, "rb", HOME_B, person="b1"),
        breach("rb", HOME_B),
        request(sd.REQUEST_RESOLVED, "rb", HOME_B, person="b1"),
        request(sd.REQUEST_CLOSED, "rb", HOME_B, person="b1", satisfaction=2),
        suggestion(sd.SUGGESTION_RECEIVED, "sa", HOME_A),
        suggestion(sd.SUGGESTION_ANSWERED, "sa", HOME_A),
        suggestion(sd.SUGGESTION_RECEIVED, "sb", HOME_B),
        activity("act1", HOME_A, 70),
        activity("act2", HOME_A, 50),
        scored("rd1", "a1", HOME_A),
        scored("rd1", "a2", HOME_A),
        scored("rd1", "b1", HOME_B, complete=False),
        notice("n1", "da1".ljust(64, "0")),
        veto("n1", "a1", HOME_A),
    )


def values(answer):
    return {f["indicator"]: f["value"] for f in answer["figures"]}
