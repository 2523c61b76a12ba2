"""Schemas of the qualification loop's lists and annual figures: query filters checked at the edge
(a bad year, unit, body, outcome or cursor is a 422 problem), pages and rows documented in OpenAPI."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from chassis.contracts import UNIT_CODE as UNIT
from evaluation.domain.figures import FIGURES
from evaluation.entrypoints.api.schemas import DECISION_BODIES, MEETING_BODIES
from evaluation.service_layer.qualification_lists import OUTCOMES
from evaluation.service_layer.violation_list import SOURCES, STATUSES

YEAR = validate.Range(min=2000, max=2100)


class PageQuery(Schema):
    year = fields.Integer(validate=YEAR)
    unit = fields.String(validate=UNIT, metadata={"description": "a unit of your subtree (default: yours)"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(
        load_default=None, validate=validate.Length(max=500), metadata={"description": "`next_cursor` of the last page"}
    )


class MeetingQuery(PageQuery):
    body = fields.String(validate=validate.OneOf(MEETING_BODIES))
    round_id = fields.String(validate=validate.Length(max=36))


class MeetingSummary(Schema):
    id = fields.String()
    title = fields.String()
    held_on = fields.Date()
    bodies = fields.List(fields.String())
    round_id = fields.String(allow_none=True)
    scope_unit = fields.String()
    people_reviewed = fields.Integer()
    decision_count = fields.Integer()


class MeetingPage(Schema):
    items = fields.List(fields.Nested(MeetingSummary))
    next_cursor = fields.String(allow_none=True)


class DecisionQuery(PageQuery):
    body = fields.String(validate=validate.OneOf(DECISION_BODIES))
    outcome = fields.String(
        validate=validate.OneOf(OUTCOMES),
        metadata={"description": "a decision kind, or `revoked` for both revocations"},
    )
    meeting_id = fields.String(validate=validate.Length(max=36))
    person_id = fields.String(validate=validate.Length(max=36))


class DecisionSummary(Schema):
    id = fields.String()
    meeting_id = fields.String()
    held_on = fields.Date()
    person_id = fields.String()
    unit_code = fields.String()
    body = fields.String()
    decision = fields.String()
    decided_at = fields.DateTime()
    ineligible_until = fields.Date(
        allow_none=True, metadata={"description": "a revocation: the day the person may be recommended again"}
    )
    ineligible_until_by_default = fields.Boolean(
        metadata={"description": "the meeting named no end: one term from the decision, as the registry holds"}
    )


class DecisionPage(Schema):
    items = fields.List(fields.Nested(DecisionSummary))
    next_cursor = fields.String(allow_none=True)


class ViolationQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(STATUSES))
    source = fields.String(validate=validate.OneOf(SOURCES), metadata={"description": "an agency's notice or staff"})
    agency = fields.String(validate=validate.Length(max=40))
    person_id = fields.String(validate=validate.Length(max=36))


class ViolationSummary(Schema):
    id = fields.String()
    person_id = fields.String()
    unit_code = fields.String()
    source = fields.String()
    agency = fields.String(allow_none=True)
    notice_id = fields.String(allow_none=True)
    case_reference = fields.String()
    violation_type = fields.String()
    occurred_on = fields.Date()
    authority = fields.String()
    evidence_ref = fields.String(allow_none=True)
    status = fields.String()
    created_at = fields.DateTime()
    rescinded_at = fields.DateTime(allow_none=True)
    rounds_vetoed = fields.List(fields.String(), metadata={"description": "scored rounds it vetoes the person in"})


class ViolationPage(Schema):
    items = fields.List(fields.Nested(ViolationSummary))
    next_cursor = fields.String(allow_none=True)


class FiguresQuery(Schema):
    year = fields.Integer(required=True, validate=YEAR)
    unit = fields.String(validate=UNIT, metadata={"description": "a unit of your subtree (default: yours)"})


Counts = Schema.from_dict({name: fields.Integer() for name in FIGURES}, name="QualificationCounts")
FigureRow = Schema.from_dict(
    {"unit_code": fields.String(), **{name: fields.Integer() for name in FIGURES}}, name="QualificationFigureRow"
)


class FiguresOut(Schema):
    year = fields.Integer()
    unit = fields.String()
    rows = fields.List(fields.Nested(FigureRow), metadata={"description": "per unit directly below `unit`"})
    total = fields.Nested(Counts)
