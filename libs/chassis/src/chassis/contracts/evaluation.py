"""Contracts of ``evaluation.v1`` that other services act on.

The registry consumes ``qualification_revoked`` and drops the person's role in
that body; the sharing gateway decides which agency sees which outcome.
"""

from marshmallow import Schema, fields, validate

from chassis.contracts import UNIT_CODE as UNIT
from chassis.contracts import EventContract, register
from chassis.topics import EVALUATION

PREFIX = "cn.tongxin.evaluation."
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


for _suffix, _summary in [
    ("representative.retained.v1", "A joint evaluation meeting retained a representative."),
    ("representative.warned.v1", "A representative was given a talk (约谈) or a warning (警示谈话)."),
    (
        "representative.qualification_revoked.v1",
        "A representative lost a membership recommendation or the eligibility to be recommended.",
    ),
]:
    register(EventContract(PREFIX + _suffix, EVALUATION, RepresentativeDecision, _summary))


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


for _suffix, _schema, _summary in [
    ("round.opened.v1", RoundEvent, "An evaluation round opened for scoring."),
    ("round.closed.v1", RoundEvent, "Scoring closed; outcomes computed."),
    ("round.published.v1", RoundEvent, "A round's results were published."),
    ("person.scored.v1", PersonScored, "A person's composite score, rank and flags in a round."),
    ("veto.applied.v1", VetoChanged, "A violation in force vetoed a person in a round (一票否决)."),
    ("veto.lifted.v1", VetoChanged, "A rescinded violation lifted a veto."),
]:
    register(EventContract(PREFIX + _suffix, EVALUATION, _schema, _summary))
