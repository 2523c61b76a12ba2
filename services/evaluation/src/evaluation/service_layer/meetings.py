"""Joint evaluation meetings (联席评价) with the NPC, the CPPCC and other bodies.

Per person a meeting decides: retain, talk (约谈), warning (警示谈话), revoke the
membership recommendation, or revoke the eligibility to be recommended. A decision
that goes against the computed outcome (retaining someone vetoed or in the bottom
share, or revoking someone ranked normally) needs a recorded justification. Each
decision is published on ``evaluation.v1`` for the registry and the gateway.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis.auth import Principal
from chassis.errors import InvalidInput, NotFound
from evaluation.adapters.tables import decisions, meetings, members, outcomes, people
from evaluation.service_layer.rounds import EVENT, events, get

EVENT_FOR = {
    "retain": "representative.retained.v1",
    "talk": "representative.warned.v1",
    "warning": "representative.warned.v1",
    "revoke_membership_recommendation": "representative.qualification_revoked.v1",
    "revoke_recommendation_eligibility": "representative.qualification_revoked.v1",
}
_FAILED = ("vetoed", "bottom")


def create(session: Session, principal: Principal, body: dict) -> str:
    principal.require_role("evaluator")
    if body.get("round_id"):  # a meeting decides on a round's outcomes: only at the round's own level or above
        principal.require_scope(get(session, principal, body["round_id"])["scope_unit"])
    meeting_id = str(uuid.uuid4())
    session.execute(
        meetings.insert(),
        dict(
            id=meeting_id,
            title=body["title"],
            held_on=body["held_on"],
            bodies=body["bodies"],
            round_id=body.get("round_id"),
            scope_unit=principal.unit,
            created_by=principal.subject,
            created_at=dt.datetime.now(dt.UTC),
        ),
    )
    return meeting_id


def decide(session: Session, principal: Principal, meeting_id: str, body: dict) -> dict:
    principal.require_role("evaluator")
    meeting = session.execute(sa.select(meetings).where(meetings.c.id == meeting_id)).mappings().first()
    if meeting is None or not principal.sees(meeting["scope_unit"]):
        raise NotFound("未找到该联席评价会议", "No such joint meeting")
    person = session.execute(sa.select(people).where(people.c.person_id == body["person_id"])).mappings().first()
    if person is None or not principal.sees(person["unit_code"]):
        raise NotFound("未找到该人员", "No such person")
    computed = None
    if meeting["round_id"]:
        if not session.execute(
            sa.select(members.c.person_id).where(
                members.c.round_id == meeting["round_id"], members.c.person_id == body["person_id"]
            )
        ).first():
            raise InvalidInput(
                "该人员不在本次会议所审议的评价轮次中", "The person is not in the meeting's round", field="person_id"
            )
        computed = session.execute(
            sa.select(outcomes.c.status).where(
                outcomes.c.round_id == meeting["round_id"], outcomes.c.person_id == body["person_id"]
            )
        ).scalar()
    overrides = (body["decision"] == "retain" and computed in _FAILED) or (
        body["decision"].startswith("revoke") and computed == "ranked"
    )
    justification = (body.get("override_justification") or "").strip()
    if overrides and len(justification) < 10:
        raise InvalidInput(
            f"该决定与评价结果（{computed}）不一致，须填写不少于10字的理由（override_justification）",
            f"The decision overrides the computed outcome ({computed}); record a justification of 10+ characters",
            field="override_justification",
            computed_status=computed,
        )
    now = dt.datetime.now(dt.UTC)
    row = dict(
        id=str(uuid.uuid4()),
        meeting_id=meeting_id,
        person_id=body["person_id"],
        decision=body["decision"],
        body=body["body"],
        reason=body["reason"],
        computed_status=computed,
        override_justification=justification or None,
        decided_by=principal.subject,
        decided_at=now,
    )
    session.execute(decisions.insert(), row)
    events().add(
        session,
        EVENT + EVENT_FOR[body["decision"]],
        body["person_id"],
        {
            "person_id": body["person_id"],
            "unit_code": person["unit_code"],
            "body": body["body"],
            "decision": body["decision"],
            "reason": body["reason"],
            "round_id": meeting["round_id"],
            "meeting_id": meeting_id,
            "decided_at": now.isoformat(),
        },
    )
    return row


def view(session, principal: Principal, meeting_id: str) -> dict:
    meeting = session.execute(sa.select(meetings).where(meetings.c.id == meeting_id)).mappings().first()
    if meeting is None or not principal.sees(meeting["scope_unit"]):
        raise NotFound("未找到该联席评价会议", "No such joint meeting")
    rows = session.execute(
        sa.select(decisions).where(decisions.c.meeting_id == meeting_id).order_by(decisions.c.decided_at)
    ).mappings()
    return {**dict(meeting), "decisions": [dict(r) for r in rows]}
