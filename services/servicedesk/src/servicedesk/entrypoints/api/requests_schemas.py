"""The request and category schemas of the service desk API (validated at the edge, documented in OpenAPI)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicedesk.domain import lifecycle
from servicedesk.entrypoints.api.common import UNIT


class RequestIn(Schema):
    person_id = fields.String(required=True)
    category = fields.String(required=True)
    priority = fields.String(load_default="normal", validate=validate.OneOf(lifecycle.PRIORITIES))
    title = fields.String(required=True, validate=validate.Length(min=2, max=200))
    description = fields.String(required=True, validate=validate.Length(min=2, max=5000))
    channel = fields.String(
        load_default="visit", validate=validate.OneOf(["visit", "phone", "contact_system", "forum", "online"])
    )
    handling_unit = fields.String(load_default=None, allow_none=True, validate=UNIT)
    urgent = fields.Boolean(load_default=False, metadata={"description": "an urgent safety or stability matter"})
    urgent_summary = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "required when urgent: what emergency coordination needs, without personal details"},
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class MoveIn(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    handler = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    satisfaction = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=5))


class HistoryOut(Schema):
    at = fields.DateTime()
    actor = fields.String()
    action = fields.String()
    from_state = fields.String(allow_none=True)
    to_state = fields.String()
    handling_unit = fields.String()
    note = fields.String(allow_none=True)


class RequestSummary(Schema):
    id = fields.String()
    person_id = fields.String()
    unit_code = fields.String()
    handling_unit = fields.String()
    handler = fields.String(allow_none=True)
    category = fields.String()
    priority = fields.String()
    urgent = fields.Boolean()
    title = fields.String()
    description = fields.String()
    channel = fields.String()
    state = fields.String()
    created_at = fields.DateTime()
    accepted_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    satisfaction = fields.Integer(allow_none=True)
    response_due_at = fields.DateTime(allow_none=True)
    resolution_due_at = fields.DateTime(allow_none=True, metadata={"description": "null while the clock is paused"})
    response_breached_at = fields.DateTime(allow_none=True)
    resolution_breached_at = fields.DateTime(allow_none=True)
    breached = fields.Boolean()
    escalations = fields.Integer()
    clock_running = fields.Boolean()
    working_days_used = fields.Float()
    allowed_actions = fields.List(fields.String())
    version = fields.Integer()


class RequestOut(RequestSummary):
    history = fields.List(fields.Nested(HistoryOut))


class RequestQuery(Schema):
    state = fields.String(validate=validate.OneOf(lifecycle.STATES))
    category = fields.String()
    priority = fields.String(validate=validate.OneOf(lifecycle.PRIORITIES))
    person_id = fields.String()
    handling_unit = fields.String(validate=UNIT)
    breached = fields.Boolean()
    urgent = fields.Boolean()
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None)


class RequestPage(Schema):
    items = fields.List(fields.Nested(RequestSummary))
    next_cursor = fields.String(allow_none=True)


class SlaIn(Schema):
    response_days = fields.Decimal(required=True, validate=validate.Range(min=0, min_inclusive=False, max=365))
    resolution_days = fields.Decimal(required=True, validate=validate.Range(min=0, min_inclusive=False, max=365))


class CategoryIn(Schema):
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=60))
    name_en = fields.String(required=True, validate=validate.Length(min=1, max=80))
    sla = fields.Dict(
        keys=fields.String(validate=validate.OneOf(lifecycle.PRIORITIES)), values=fields.Nested(SlaIn), required=True
    )
    active = fields.Boolean(load_default=True)


class CategoryOut(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    sla = fields.Dict()
    active = fields.Boolean()
