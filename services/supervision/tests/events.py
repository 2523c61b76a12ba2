"""Events of the four topics as supervision consumes them, valid against their contracts, for tests
that feed the view directly (API tests) or publish to the real broker (integration)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from chassis.contracts import evaluation as ev
from chassis.contracts import gateway as gw
from chassis.contracts import servicedesk as sd
from chassis.contracts import validate_data
from chassis.events import Envelope
from tests.support import people

__all__ = ["TIME", "activity", "breach", "notice", "person_event", "request", "scored", "suggestion", "veto"]

TIME = dt.datetime(2026, 10, 15, 2, 0, tzinfo=dt.UTC)


def person_event(*args, **kwargs) -> Envelope:
    """A registry event as ``tests.support.people`` makes it, dated ``TIME`` (the view keeps each
    version from its day: a month reads its people as they were at its end)."""
    return dataclasses.replace(people.person_event(*args, **kwargs), time=TIME.isoformat())


def _event(event_type: str, source: str, subject: str, data: dict, time: dt.datetime = TIME) -> Envelope:
    validate_data(event_type, data)
    return Envelope.new(type=event_type, source=source, subject=subject, data=data, time=time,
                        event_id=str(uuid.uuid4()))  # fmt: skip


def request(event_type, request_id, unit, person="m1", at="2026-10-10T02:00:00+00:00", satisfaction=None):
    state = {sd.REQUEST_OPENED: "submitted", sd.REQUEST_RESOLVED: "resolved", sd.REQUEST_CLOSED: "closed"}[event_type]
    data = dict(request_id=request_id, person_id=person, unit_code=unit, handling_unit=unit, category="schooling",
                priority="normal", state=state, previous_state=None, at=at, satisfaction=satisfaction)  # fmt: skip
    return _event(event_type, "/tongxin/servicedesk", request_id, data)


def breach(request_id, unit, clock="resolution", due="2026-10-12T02:00:00+00:00"):
    data = dict(request_id=request_id, unit_code=unit, clock=clock, due_at=due, escalated_from=unit,
                escalated_to=unit[:6] + "000000")  # fmt: skip
    return _event(sd.REQUEST_SLA_BREACHED, "/tongxin/servicedesk", request_id, data)


def suggestion(event_type, suggestion_id, unit, at="2026-10-03T02:00:00+00:00"):
    data = dict(suggestion_id=suggestion_id, unit_code=unit, topic="建议", department=None, adopted=None, at=at)
    return _event(event_type, "/tongxin/servicedesk", suggestion_id, data)


def activity(activity_id, unit, served, held_on="2026-10-08"):
    data = dict(activity_id=activity_id, branch=None, kind="free_clinic", title="义诊", held_on=held_on,
                unit_code=unit, volunteers=[{"person_id": "m1", "hours": "3"}], people_served=served)  # fmt: skip
    return _event(sd.ACTIVITY_RECORDED, "/tongxin/servicedesk", activity_id, data)


def scored(round_id, person, unit, complete=True):
    data = {"round_id": round_id, "person_id": person, "unit_code": unit, "composite": "80.00", "official": "80.00",
            "self": "80.00" if complete else None, "public": "80.00", "rank": 1, "cohort_size": 2,
            "status": "ranked" if complete else "incomplete"}  # fmt: skip
    return _event(ev.PERSON_SCORED, "/tongxin/evaluation", person, data)


def notice(notice_id, digest, received_at="2026-10-05T02:00:00+00:00"):
    data = dict(notice_id=notice_id, agency="court", id_digest=digest, case_reference="（2026）鲁0783刑初1号",
                violation_type="criminal", occurred_on="2026-09-01", authority="寿光市人民法院",
                received_at=received_at)  # fmt: skip
    return _event(gw.VIOLATION_NOTICE, "/tongxin/sharing-gateway", notice_id, data)


def veto(notice_id, person, unit):
    data = dict(round_id="rd1", person_id=person, unit_code=unit, violation_id=str(uuid.uuid4()), notice_id=notice_id,
                agency="court", reason="违法违纪")  # fmt: skip
    return _event(ev.VETO_APPLIED, "/tongxin/evaluation", person, data)


def decision(person, unit, decided_at, decision="talk"):
    data = dict(person_id=person, unit_code=unit, body="cppcc", decision=decision, reason="联席评价", round_id=None,
                meeting_id=None, decided_at=decided_at)  # fmt: skip
    return _event(ev.REPRESENTATIVE_WARNED, "/tongxin/evaluation", person, data)


def study_completed(assignment_id, person, unit, completed_at="2026-10-06T02:00:00+00:00", score=100):
    data = dict(assignment_id=assignment_id, person_id=person, unit_code=unit, completed_at=completed_at,
                on_time=True, score=score)  # fmt: skip
    return _event(sd.STUDY_ASSIGNMENT_COMPLETED, "/tongxin/servicedesk", assignment_id, data)
