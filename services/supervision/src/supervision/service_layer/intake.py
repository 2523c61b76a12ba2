"""What supervision keeps of each event it consumes (``domain.facts.Fact``), read from the event's
data as its contract (``chassis.contracts``) defines it: the month of the event's own time, the
unit it names, the object it is about and one number at most. Nothing else is kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from chassis.contracts import evaluation as ev
from chassis.contracts import gateway as gw
from chassis.contracts import servicedesk as sd
from chassis.events import Envelope
from supervision.domain import months
from supervision.domain.facts import Fact

Data = Mapping[str, Any]


def instant(value: str) -> dt.datetime:
    at = dt.datetime.fromisoformat(value)
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def _request(d: Data) -> dict[str, Any]:
    measure = None if d.get("satisfaction") is None else Decimal(d["satisfaction"])
    return dict(unit_code=d["handling_unit"], subject=d["request_id"], person_id=d["person_id"], measure=measure,
                at=d["at"])  # fmt: skip


def _status(d: Data) -> dict[str, Any]:
    return {**_request(d), "detail": d["state"]}


def _breach(d: Data) -> dict[str, Any]:
    # The unit that missed the time is the one it was escalated from.
    return dict(unit_code=d["escalated_from"], subject=d["request_id"], detail=d["clock"], at=d["due_at"])


def _suggestion(d: Data) -> dict[str, Any]:
    return dict(unit_code=d["unit_code"], subject=d["suggestion_id"], at=d["at"])


def _activity(d: Data) -> dict[str, Any]:
    return dict(unit_code=d["unit_code"], subject=d["activity_id"], measure=Decimal(d["people_served"]),
                day=d["held_on"])  # fmt: skip


def _donation(d: Data) -> dict[str, Any]:
    return dict(unit_code=d["unit_code"], subject=d["donation_id"], person_id=d["donor_person_id"],
                measure=Decimal(d["value_yuan"]), day=d["donated_on"])  # fmt: skip


def _study(d: Data) -> dict[str, Any]:
    return dict(unit_code=d["unit_code"], subject=f"{d['assignment_id']}/{d['person_id']}", person_id=d["person_id"],
                at=d["completed_at"])  # fmt: skip


def _scored(d: Data) -> dict[str, Any]:
    complete = all(d.get(source) is not None for source in ("official", "self", "public"))
    return dict(unit_code=d["unit_code"], subject=f"{d['round_id']}/{d['person_id']}", person_id=d["person_id"],
                detail="complete" if complete else "incomplete")  # fmt: skip


def _veto(d: Data) -> dict[str, Any]:
    # A veto answers a notice by (agency, notice id); a staff record without a notice answers none.
    subject = f"{d['agency']}/{d['notice_id']}" if d.get("notice_id") else f"staff/{d['violation_id']}"
    return dict(unit_code=d["unit_code"], subject=subject, person_id=d["person_id"])


def _decision(d: Data) -> dict[str, Any]:
    return dict(unit_code=d["unit_code"], subject=d["person_id"], person_id=d["person_id"], detail=d["decision"],
                at=d["decided_at"])  # fmt: skip


def _notice(d: Data) -> dict[str, Any]:
    return dict(unit_code=None, subject=f"{d['agency']}/{d['notice_id']}", id_digest=d["id_digest"],
                detail=d["agency"], at=d["received_at"])  # fmt: skip


def _rescinded(d: Data) -> dict[str, Any]:
    return dict(unit_code=None, subject=f"{d['agency']}/{d['original_notice_id']}", detail=d["agency"],
                at=d["received_at"])  # fmt: skip


READERS: dict[str, Callable[[Data], dict[str, Any]]] = {
    sd.REQUEST_OPENED: _request,
    sd.REQUEST_STATUS_CHANGED: _status,
    sd.REQUEST_RESOLVED: _request,
    sd.REQUEST_CLOSED: _request,
    sd.REQUEST_SLA_BREACHED: _breach,
    sd.SUGGESTION_RECEIVED: _suggestion,
    sd.SUGGESTION_ANSWERED: _suggestion,
    sd.ACTIVITY_RECORDED: _activity,
    sd.DONATION_RECORDED: _donation,
    sd.STUDY_ASSIGNMENT_COMPLETED: _study,
    ev.PERSON_SCORED: _scored,
    ev.VETO_APPLIED: _veto,
    ev.REPRESENTATIVE_RETAINED: _decision,
    ev.REPRESENTATIVE_WARNED: _decision,
    ev.QUALIFICATION_REVOKED: _decision,
    gw.VIOLATION_NOTICE: _notice,
    gw.VIOLATION_RESCINDED: _rescinded,
}


def fact_of(envelope: Envelope) -> Fact:
    """The fact of a consumed event; its month from the event's own time (a day, an instant), the
    envelope's time where the data carries none (a score)."""
    fields = READERS[envelope.type](envelope.data)
    day = fields.pop("day", None)
    at = fields.pop("at", None) or envelope.time
    month = months.of_day(dt.date.fromisoformat(day)) if day else months.of_instant(instant(at))
    return Fact(envelope.id, envelope.type, month, at=instant(at).astimezone(dt.UTC).isoformat(), **fields)
