"""The evaluation API's request and response schemas (validated at the edge, documented in OpenAPI)."""

from __future__ import annotations

import datetime as dt

from marshmallow import Schema, fields, validate

from chassis.contracts import UNIT_CODE as UNIT
from chassis.contracts import FullMatch
from chassis.errors import Bilingual
from evaluation.domain.scoring import MISSING_RULES
from evaluation.service_layer.meetings import EVENT_FOR

#: Bodies that take part in a joint meeting, and bodies a decision is about.
MEETING_BODIES = ("npc", "cppcc", "united_front", "discipline", "other")
DECISION_BODIES = ("npc", "cppcc", "chamber", "democratic_party", "other")


class RoundIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    scope_unit = fields.String(validate=UNIT)
    categories = fields.List(fields.String(), load_default=list)
    bodies = fields.List(fields.String(), load_default=list)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    deadline = fields.AwareDateTime(load_default=None, allow_none=True)
    source_weights = fields.Dict(
        keys=fields.String(),
        values=fields.Decimal(),
        load_default=lambda: {"official": "0.5", "self": "0.2", "public": "0.3"},
    )
    missing_source = fields.String(load_default="renormalise", validate=validate.OneOf(MISSING_RULES))
    bottom_share = fields.Decimal(load_default=None, allow_none=True)
    bottom_count = fields.Integer(load_default=None, allow_none=True)
    template_code = fields.String(
        load_default=None, allow_none=True, metadata={"description": "default: the built-in 6x20 index"}
    )
    template_version = fields.Integer(
        load_default=None, allow_none=True, metadata={"description": "default: the template's latest version"}
    )


class RoundOut(Schema):
    id = fields.String()
    name = fields.String()
    scope_unit = fields.String()
    state = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    deadline = fields.DateTime(allow_none=True)
    policy = fields.Dict()
    cohort_filter = fields.Dict()
    template = fields.Dict()
    version = fields.Integer()
    reviewed_by = fields.String(allow_none=True)


class DecisionBrief(Schema):
    body = fields.String()
    decision = fields.String()
    held_on = fields.Date()


class ReportRow(Schema):
    person_id = fields.String()
    name = fields.String()
    unit_code = fields.String()
    official = fields.Decimal(as_string=True, allow_none=True)
    self_score = fields.Decimal(as_string=True, allow_none=True, data_key="self")
    public = fields.Decimal(as_string=True, allow_none=True)
    composite = fields.Decimal(as_string=True, allow_none=True)
    rank = fields.Integer(allow_none=True)
    status = fields.String(metadata={"description": "ranked, bottom (末位), vetoed (一票否决) or incomplete"})
    decisions = fields.List(fields.Nested(DecisionBrief))


class ReportOut(Schema):
    round = fields.Nested(RoundOut)
    rows = fields.List(fields.Nested(ReportRow))


class ItemIn(Schema):
    code = fields.String(required=True, validate=FullMatch(r"^[A-Za-z0-9_.-]{1,40}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    weight = fields.Decimal(required=True, validate=validate.Range(min=0, min_inclusive=False, max=1))
    max_score = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))


class CategoryIn(Schema):
    code = fields.String(required=True, validate=FullMatch(r"^[A-Za-z0-9_.-]{1,40}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    weight = fields.Decimal(required=True, validate=validate.Range(min=0, min_inclusive=False, max=1))
    items = fields.List(fields.Nested(ItemIn), required=True, validate=validate.Length(min=1, max=50))


class TemplateIn(Schema):
    code = fields.String(required=True, validate=FullMatch(r"^[A-Za-z0-9_.-]{1,40}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    categories = fields.List(fields.Nested(CategoryIn), required=True, validate=validate.Length(min=1, max=20))


class TemplateBrief(Schema):
    code = fields.String()
    version = fields.Integer()
    name = fields.String()
    created_at = fields.DateTime(allow_none=True)


class ScoresIn(Schema):
    scores = fields.Dict(keys=fields.String(), values=fields.Decimal(), required=True)


class TokenIn(Schema):
    person_id = fields.String(required=True)
    source = fields.String(required=True, validate=validate.OneOf(["self", "public"]))
    count = fields.Integer(load_default=1, validate=validate.Range(min=1, max=500))


class TokenOut(Schema):
    token = fields.String()
    source = fields.String()
    person_id = fields.String()
    expires_at = fields.DateTime()
    rate_url = fields.String()


class PublicRatingIn(ScoresIn):
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))


class ViolationIn(Schema):
    case_reference = fields.String(required=True, validate=validate.Length(min=1, max=200))
    violation_type = fields.String(required=True, validate=validate.Length(min=1, max=100))
    occurred_on = fields.Date(required=True)
    authority = fields.String(required=True, validate=validate.Length(min=1, max=200))
    evidence_ref = fields.String(required=True, validate=validate.Length(min=1, max=300))


class RescindIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))


class IdOut(Schema):
    id = fields.String()


#: The years the qualification lists and figures can be asked for (``list_schemas.YEAR``): a meeting
#: held outside them (a mistyped year) would be in no year's list or figures.
MEETING_DAYS = validate.Range(
    min=dt.date(2000, 1, 1),
    max=dt.date(2100, 12, 31),
    error=Bilingual("held_on must fall in the years 2000 to 2100", "会议日期须在2000年至2100年之间"),
)


class MeetingIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    held_on = fields.Date(required=True, validate=MEETING_DAYS)
    bodies = fields.List(
        fields.String(validate=validate.OneOf(MEETING_BODIES)),
        required=True,
        validate=validate.Length(min=1),
    )
    round_id = fields.String(load_default=None, allow_none=True)


class DecisionIn(Schema):
    person_id = fields.String(required=True)
    decision = fields.String(required=True, validate=validate.OneOf(list(EVENT_FOR)))
    body = fields.String(load_default="cppcc", validate=validate.OneOf(DECISION_BODIES))
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))
    override_justification = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    ineligible_until = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "a revocation only: the day the person may be recommended again, after the day of the "
            "decision and at most five years (one term) later; without it the registry holds one term"
        },
    )


class DecisionOut(Schema):
    id = fields.String()
    person_id = fields.String()
    decision = fields.String()
    body = fields.String()
    reason = fields.String()
    computed_status = fields.String(allow_none=True)
    override_justification = fields.String(allow_none=True)
    decided_by = fields.String()
    decided_at = fields.DateTime()
    unit_code = fields.String(allow_none=True, metadata={"description": "the person's unit when decided"})
    ineligible_until = fields.Date(allow_none=True)


class MeetingOut(Schema):
    id = fields.String()
    title = fields.String()
    held_on = fields.Date()
    bodies = fields.List(fields.String())
    round_id = fields.String(allow_none=True)
    decisions = fields.List(fields.Nested(DecisionOut))


class RatingFormOut(Schema):
    round_name = fields.String()
    person_name = fields.String()
    source = fields.String()
    expires_at = fields.DateTime()
    template = fields.Dict()
