"""Contracts of ``evaluation.v1`` that other services act on.

The registry consumes ``qualification_revoked``: it drops the person's role in that
body and refuses to add it again until the ineligibility ends; it counts ``retained`` as a
passed evaluation (凡进必评); the sharing gateway decides which agency sees which outcome.
"""

from marshmallow import Schema, fields, validate

from chassis.contracts.base import UNIT_CODE as UNIT
from chassis.contracts.base import EventContract, register
from chassis.topics import EVALUATION

PREFIX = "cn.tongxin.evaluation."
#: The event types of ``evaluation.v1``, defined once: producers and consumers import these names.
REPRESENTATIVE_RETAINED = PREFIX + "representative.retained.v1"
REPRESENTATIVE_WARNED = PREFIX + "representative.warned.v1"
QUALIFICATION_REVOKED = PREFIX + "representative.qualification_revoked.v1"
ROUND_OPENED = PREFIX + "round.opened.v1"
ROUND_CLOSED = PREFIX + "round.closed.v1"
ROUND_PUBLISHED = PREFIX + "round.published.v1"
PERSON_SCORED = PREFIX + "person.scored.v1"
VETO_APPLIED = PREFIX + "veto.applied.v1"
VETO_LIFTED = PREFIX + "veto.lifted.v1"
DECISIONS = ["retain", "talk", "warning", "revoke_membership_recommendation", "revoke_recommendation_eligibility"]


class RepresentativeDecision(Schema):
    person_id = fields.String(required=True)
    unit_code = fields.String(required=True, validate=UNIT)
    body = fields.String(required=True, metadata={"description": "the body whose role is affected, e.g. cppcc"})
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    reason = fields.String(required=True)
    round_id = fields.String(load_default=None, allow_none=True)
    meeting_id = fields.String(load_default=None, allow_none=True)
    decided_at = fields.DateTime(required=True)
    decision_id = fields.String(
        load_default=None, allow_none=True, metadata={"description": "the meeting's decision record"}
    )
    ineligible_until = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "a revocation: the day the person may be recommended again; without it the registry "
            "holds one five-year term from the decision"
        },
    )


for _type, _summary in [
    (REPRESENTATIVE_RETAINED, "A joint evaluation meeting retained a representative."),
    (REPRESENTATIVE_WARNED, "A representative was given a talk (约谈) or a warning (警示谈话)."),
    (
        QUALIFICATION_REVOKED,
        "A representative lost a membership recommendation or the eligibility to be recommended.",
    ),
]:
    register(EventContract(_type, EVALUATION, RepresentativeDecision, _summary))


class RoundEvent(Schema):
    round_id = fields.String(required=True)
    name = fields.String(required=True)
    scope_unit = fields.String(required=True, validate=UNIT)
    state = fields.String(required=True)
    cohort_size = fields.Integer(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class PersonScored(Schema):
    round_id = fields.String(required=True)
    person_id = fields.String(required=True)
    unit_code = fields.String(required=True, validate=UNIT)
    composite = fields.Decimal(required=True, allow_none=True, as_string=True)
    official = fields.Decimal(required=True, allow_none=True, as_string=True)
    self_score = fields.Decimal(required=True, allow_none=True, as_string=True, data_key="self")
    public = fields.Decimal(required=True, allow_none=True, as_string=True)
    rank = fields.Integer(required=True, allow_none=True)
    cohort_size = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["ranked", "bottom", "vetoed", "incomplete"]))


class VetoChanged(Schema):
    round_id = fields.String(required=True)
    person_id = fields.String(required=True)
    unit_code = fields.String(required=True, validate=UNIT)
    violation_id = fields.String(required=True)
    notice_id = fields.String(load_default=None, allow_none=True)
    agency = fields.String(load_default=None, allow_none=True)
    reason = fields.String(required=True)


for _type, _schema, _summary in [
    (ROUND_OPENED, RoundEvent, "An evaluation round opened for scoring."),
    (ROUND_CLOSED, RoundEvent, "Scoring closed; outcomes computed."),
    (ROUND_PUBLISHED, RoundEvent, "A round's results were published."),
    (PERSON_SCORED, PersonScored, "A person's composite score, rank and flags in a round."),
    (VETO_APPLIED, VetoChanged, "A violation in force vetoed a person in a round (一票否决)."),
    (VETO_LIFTED, VetoChanged, "A rescinded violation lifted a veto."),
]:
    register(EventContract(_type, EVALUATION, _schema, _summary))
