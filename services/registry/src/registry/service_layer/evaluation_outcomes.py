"""Applies evaluation outcomes to representative status (consumer of ``evaluation.v1``).

A revoked qualification removes the person's role in that body and is stored as a lost
qualification: until it ends the registry refuses to add the role again (``qualifications``). A
decision on a record since merged away reaches the record it was merged into.
A representative retained by a meeting on an evaluation round passed the evaluation: that is stored
as a vetting record, the basis a later role in that body may rest on (凡进必评). Role changes go
through the Person aggregate, so they have history and a ``representative_changed`` event like any
staff edit. The consumer runner makes redeliveries no-ops.
"""

from __future__ import annotations

import datetime as dt

from chassis.contracts.evaluation import QUALIFICATION_REVOKED, REPRESENTATIVE_RETAINED
from chassis.events import Envelope
from registry.domain import qualification as rules
from registry.domain.person import Person
from registry.service_layer import qualifications
from registry.service_layer.unit_of_work import UnitOfWork, UowFactory

REVOKED = QUALIFICATION_REVOKED
RETAINED = REPRESENTATIVE_RETAINED
ACTOR = "evaluation"
_WHY = {
    "revoke_membership_recommendation": "联席评价：撤销委员推荐",
    "revoke_recommendation_eligibility": "联席评价：取消推荐资格",
}


def qualification_revoked(uow_factory: UowFactory, envelope: Envelope) -> None:
    """Store the lost qualification and remove the person's role in the body the decision names
    (the consumer runs it with ``chassis.unit_of_work.joined``, acting as ``evaluation``)."""
    data = envelope.data
    decided_at = dt.datetime.fromisoformat(data["decided_at"])
    until = data.get("ineligible_until")
    lost = rules.Ineligibility(
        body=data["body"],
        until=dt.date.fromisoformat(until) if until else rules.default_end(decided_at),
        decision=data["decision"],
        reason=data["reason"],
        decided_at=decided_at,
        decision_id=data.get("decision_id"),
        meeting_id=data.get("meeting_id"),
    )
    with uow_factory(ACTOR) as uow:
        person = uow.people.get(data["person_id"], for_update=True)
        qualifications.record_ineligibility(uow, person.id, lost)
        reason = f"{_WHY.get(data['decision'], data['decision'])}：{data['reason']}"
        for holder in _holders(uow, person):
            if holder.revoke_role(data["body"], reason):
                uow.people.save(holder)
                uow.track(holder)
        uow.commit()


def _holders(uow: UnitOfWork, person: Person, hops: int = 10) -> list[Person]:
    """The record decided on and, if it was merged away, the records it lives on in: a merge carries
    the roles over, so the revocation must reach the survivor too."""
    holders = [person]
    while holders[-1].merged_into and len(holders) <= hops:
        holders.append(uow.people.get(holders[-1].merged_into, for_update=True))
    return holders


def representative_retained(uow_factory: UowFactory, envelope: Envelope) -> None:
    """A joint meeting on an evaluation round retained the person: a passed evaluation in that body.
    A meeting tied to no round evaluated nobody (any evaluator may hold one): no basis."""
    data = envelope.data
    if not data.get("round_id"):
        return
    with uow_factory(ACTOR) as uow:
        person = uow.people.get(data["person_id"])
        basis = f"联席评价保留：{data['reason']}"
        decided_at = dt.datetime.fromisoformat(data["decided_at"])
        reference = data.get("decision_id") or data.get("meeting_id")
        vetting = rules.Vetting(data["body"], "evaluation", basis, ACTOR, decided_at, reference)
        qualifications.record_vettings(uow, person.id, [vetting])
        uow.commit()
