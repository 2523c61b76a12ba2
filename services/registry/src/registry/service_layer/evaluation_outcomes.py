"""Applies evaluation outcomes to representative status (consumer of ``evaluation.v1``).

A revoked qualification removes the person's role in that body; the change goes
through the Person aggregate, so it has history and a ``representative_changed``
event like any staff edit. The consumer runner makes redeliveries no-ops.
"""

from __future__ import annotations

from chassis.contracts.evaluation import QUALIFICATION_REVOKED
from chassis.events import Envelope
from registry.service_layer.unit_of_work import UowFactory

REVOKED = QUALIFICATION_REVOKED
ACTOR = "evaluation"
_WHY = {
    "revoke_membership_recommendation": "联席评价：撤销委员推荐",
    "revoke_recommendation_eligibility": "联席评价：取消推荐资格",
}


def qualification_revoked(uow_factory: UowFactory, envelope: Envelope) -> None:
    """Remove the person's role in the body the decision names (the consumer runs it with
    ``chassis.unit_of_work.joined``, acting as ``evaluation``)."""
    data = envelope.data
    with uow_factory(ACTOR) as uow:
        person = uow.people.get(data["person_id"])
        reason = f"{_WHY.get(data['decision'], data['decision'])}：{data['reason']}"
        if person.revoke_role(data["body"], reason):
            uow.people.save(person)
            uow.track(person)
        uow.commit()
