"""Contracts of ``evaluation.v1`` that other services act on.

The registry consumes ``qualification_revoked`` and drops the person's role in
that body; the sharing gateway decides which agency sees which outcome.
"""

from marshmallow import Schema, fields, validate

from chassis.contracts import EventContract, register
from chassis.topics import EVALUATION

PREFIX = "cn.tongxin.evaluation."
DECISIONS = ["retain", "talk", "warning", "revoke_membership_recommendation", "revoke_recommendation_eligibility"]


class RepresentativeDecision(Schema):
    person_id = fields.String(required=True)
    unit_code = fields.String(required=True, validate=validate.Regexp(r"^\d{12}$"))
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
