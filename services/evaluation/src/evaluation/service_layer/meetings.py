"""Joint evaluation meetings (联席评价) with the NPC, the CPPCC and other bodies.

Per person a meeting decides: retain, talk (约谈), warning (警示谈话), revoke the
membership recommendation, or revoke the eligibility to be recommended. When a decision
needs a justification and who may take it is ``domain.decisions``; a warning or a
revocation is decided by staff whose unit contains the round's scope; a revocation may name
the day the person may be recommended again (``domain.ineligibility``). Each decision keeps
the person's unit then, and is published on ``evaluation.v1`` for the registry and the gateway.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from chassis import units
from chassis.auth import Principal
from chassis.contracts.evaluation import QUALIFICATION_REVOKED, REPRESENTATIVE_RETAINED, REPRESENTATIVE_WARNED
from chassis.errors import Conflict, Forbidden, InvalidInput, NotFound
from chassis.work_calendar import CST
from evaluation.adapters.tables import decisions, meetings, members, outcomes, people
from evaluation.domain import decisions as decisions_rule
from evaluation.domain import ineligibility
from evaluation.service_layer.rounds import get_in
from evaluation.service_layer.unit_of_work import UnitOfWork, UowFactory

EVENT_FOR = {
    "retain": REPRESENTATIVE_RETAINED,
    "talk": REPRESENTATIVE_WARNED,
    "warning": REPRESENTATIVE_WARNED,
    "revoke_membership_recommendation": QUALIFICATION_REVOKED,
    "revoke_recommendation_eligibility": QUALIFICATION_REVOKED,
}


def create(uow_factory: UowFactory, principal: Principal, body: dict) -> dict:
    """Convene a joint meeting; returns it."""
    principal.require_role("evaluator")
    with uow_factory() as uow:
        meeting = _view(uow, principal, _create(uow, principal, body))
        uow.commit()
        return meeting


def _create(uow: UnitOfWork, principal: Principal, body: dict) -> str:
    scope_unit = principal.unit
    if body.get("round_id"):  # a meeting decides on a round's outcomes: only at the round's own level or above
        scope_unit = get_in(uow, principal, body["round_id"])["scope_unit"]
        principal.require_scope(scope_unit)
    meeting_id = str(uuid.uuid4())
    uow.session.execute(
        meetings.insert(),
        dict(
            id=meeting_id,
            title=body["title"],
            held_on=body["held_on"],
            bodies=body["bodies"],
            round_id=body.get("round_id"),
            scope_unit=scope_unit,
            created_by=principal.subject,
            created_at=dt.datetime.now(dt.UTC),
        ),
    )
    return meeting_id


def decide(uow_factory: UowFactory, principal: Principal, meeting_id: str, body: dict) -> dict:
    """Record a meeting's decision on a person and announce it; returns the decision."""
    principal.require_role("evaluator")
    with uow_factory() as uow:
        decision = _decide(uow, principal, meeting_id, body)
        uow.commit()
        return decision


def _decide(uow: UnitOfWork, principal: Principal, meeting_id: str, body: dict) -> dict:
    session = uow.session
    meeting = session.execute(sa.select(meetings).where(meetings.c.id == meeting_id)).mappings().first()
    if meeting is None or not principal.sees(meeting["scope_unit"]):
        raise NotFound("未找到该联席评价会议", "No such joint meeting")
    person = session.execute(sa.select(people).where(people.c.person_id == body["person_id"])).mappings().first()
    if person is None or not principal.sees(person["unit_code"]):
        raise NotFound("未找到该人员", "No such person")
    _require_standing_to_decide(principal, meeting, person, body)
    _refuse_a_second_decision(session, meeting_id, body)
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
    justification = (body.get("override_justification") or "").strip()
    if not decisions_rule.justified(body["decision"], computed, justification):
        raise InvalidInput(
            f"该决定与评价结果（{computed}）不一致，须填写不少于10字的理由（override_justification）",
            f"The decision overrides the computed outcome ({computed}); record a justification of 10+ characters",
            field="override_justification",
            computed_status=computed,
        )
    now = dt.datetime.now(dt.UTC)
    until = body.get("ineligible_until")
    refused = ineligibility.refusal(decisions_rule.is_revocation(body["decision"]), now.astimezone(CST).date(), until)
    if refused:
        raise InvalidInput(*refused, field="ineligible_until")
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
        unit_code=person["unit_code"],
        ineligible_until=until,
    )
    session.execute(decisions.insert(), row)
    uow.emit(
        EVENT_FOR[body["decision"]],
        body["person_id"],
        {
            "person_id": body["person_id"],
            "unit_code": person["unit_code"],
            "body": body["body"],
            "decision": body["decision"],
            "reason": body["reason"],
            **({"ineligible_until": until.isoformat()} if until else {}),
            "round_id": meeting["round_id"],
            "meeting_id": meeting_id,
            "decided_at": now.isoformat(),
            "decision_id": row["id"],
        },
    )
    return row


def _refuse_a_second_decision(session, meeting_id: str, body: dict) -> None:
    """A meeting decides once per person and body: the same decision posted twice (a double click, a
    retry) is a 409 naming the decision taken, and nothing is recorded or announced again."""
    taken = session.execute(
        sa.select(decisions.c.id, decisions.c.decision).where(
            decisions.c.meeting_id == meeting_id,
            decisions.c.person_id == body["person_id"],
            decisions.c.body == body["body"],
        )
    ).first()
    if taken:
        raise Conflict(
            "本次会议已就该人员在该机构的资格作出决定，不能重复作出",
            "This meeting has already decided on this person for this body",
            decision_id=taken.id,
            decision=taken.decision,
        )


def _require_standing_to_decide(principal: Principal, meeting, person, body: dict) -> None:
    decision = body["decision"]
    if not decisions_rule.needs_a_round(decision):
        return
    if not meeting["round_id"]:
        raise InvalidInput(
            "警示谈话和撤销资格须由审议评价轮次结果的会议决定（会议须关联评价轮次）",
            "A warning or a revocation needs a meeting tied to an evaluation round",
            field="decision",
        )
    principal.require_scope(meeting["scope_unit"])
    if not decisions_rule.is_revocation(decision):
        return
    roles = person["representative_roles"] or ()
    if not decisions_rule.may_revoke_at(units.level(meeting["scope_unit"]), roles, body["body"]):
        raise Forbidden(
            "撤销资格须由不低于该人员所任职务层级（至少县级）的评价轮次联席会议决定",
            "A revocation needs a meeting on a round at or above the level of the person's seat (county at least)",
        )


def view(uow_factory: UowFactory, principal: Principal, meeting_id: str) -> dict:
    """A meeting and its decisions."""
    with uow_factory() as uow:
        return _view(uow, principal, meeting_id)


def _view(uow: UnitOfWork, principal: Principal, meeting_id: str) -> dict:
    session = uow.session
    meeting = session.execute(sa.select(meetings).where(meetings.c.id == meeting_id)).mappings().first()
    if meeting is None or not principal.sees(meeting["scope_unit"]):
        raise NotFound("未找到该联席评价会议", "No such joint meeting")
    in_order = sa.select(decisions).where(decisions.c.meeting_id == meeting_id).order_by(decisions.c.decided_at)
    rows = session.execute(in_order).mappings().all()
    return {**dict(meeting), "decisions": [dict(r) for r in rows]}
