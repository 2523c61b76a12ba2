"""The request and response schemas of members' resources (成员资源共享) and matchmaking
(引资引智, 银企对接, 科技对接). Money goes in and out as exact yuan text, never a JSON number."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicedesk.domain import matchmaking, resources
from servicedesk.entrypoints.api.common import UNIT
from servicedesk.entrypoints.api.community_schemas import Page

NOTE = validate.Length(max=500)


class OfferIn(Schema):
    person_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    field = fields.String(required=True, validate=validate.OneOf(list(resources.FIELDS)))
    kind = fields.String(required=True, validate=validate.OneOf(list(resources.KINDS)))
    title = fields.String(required=True, validate=validate.Length(min=2, max=100))
    description = fields.String(required=True, validate=validate.Length(min=2, max=2000))
    visibility = fields.String(
        required=True,
        validate=validate.OneOf(list(resources.VISIBILITIES)),
        metadata={"description": "unit: the staff who serve the member; town; county"},
    )
    show_name = fields.Boolean(load_default=False, metadata={"description": "the member agreed to show their name"})
    consent = fields.Boolean(required=True, metadata={"description": "the member opted in (must be true)"})
    consented_on = fields.Date(load_default=None)
    branch_code = fields.String(load_default=None, allow_none=True, metadata={"description": "their corps branch"})
    note = fields.String(load_default=None, allow_none=True, validate=NOTE)


class OfferOut(Schema):
    id = fields.String()
    person_id = fields.String(allow_none=True, metadata={"description": "only for staff who serve the member"})
    name = fields.String(metadata={"description": "masked (王*明) beyond the member's units unless they agreed"})
    unit_code = fields.String()
    field = fields.String()
    field_zh = fields.String()
    kind = fields.String()
    title = fields.String()
    description = fields.String()
    visibility = fields.String()
    show_name = fields.Boolean()
    branch_code = fields.String(allow_none=True)
    state = fields.String()
    consented_on = fields.Date()
    published_at = fields.DateTime()
    withdrawn_at = fields.DateTime(allow_none=True)
    withdrawn_by = fields.String(allow_none=True)
    serving = fields.Boolean(metadata={"description": "you serve the member: you may withdraw the offer"})


class OfferDetail(OfferOut):
    history = fields.List(fields.Dict())
    citations = fields.List(fields.Dict())


class OfferQuery(Page):
    field = fields.String(validate=validate.OneOf(list(resources.FIELDS)))
    kind = fields.String(validate=validate.OneOf(list(resources.KINDS)))
    unit = fields.String(validate=UNIT, metadata={"description": "the members' unit subtree, e.g. a town"})
    q = fields.String(validate=validate.Length(min=1, max=50), metadata={"description": "characters or pinyin"})
    state = fields.String(load_default="active", validate=validate.OneOf(list(resources.STATES)))


class OfferPage(Schema):
    items = fields.List(fields.Nested(OfferOut))
    total = fields.Integer()


class WithdrawIn(Schema):
    by = fields.String(required=True, validate=validate.OneOf(list(resources.WITHDRAWN_BY)))
    note = fields.String(load_default=None, allow_none=True, validate=NOTE)


class CitationIn(Schema):
    subject = fields.String(required=True, validate=validate.OneOf(["request", "activity"]))
    subject_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class ParticipantIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(list(matchmaking.PARTICIPANT_ROLES)))
    organisation = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=2, max=200))
    person_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=36))


class EventIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(matchmaking.KINDS)))
    unit_code = fields.String(required=True, validate=UNIT)
    held_on = fields.Date(required=True)
    title = fields.String(required=True, validate=validate.Length(min=2, max=200))
    participants = fields.List(fields.Nested(ParticipantIn), required=True, validate=validate.Length(min=1, max=200))


class OutcomeIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(matchmaking.OUTCOME_KINDS)))
    enterprise = fields.String(required=True, validate=validate.Length(min=2, max=200))
    partner = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    amount_yuan = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=20),
        metadata={"description": 'exact yuan as text, e.g. "15000000.00"'},
    )
    people_placed = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=100_000))
    agreed_on = fields.Date(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=NOTE)


class OutcomeMoveIn(Schema):
    state = fields.String(required=True, validate=validate.OneOf(list(matchmaking.STATES)))
    note = fields.String(load_default=None, allow_none=True, validate=NOTE)


class OutcomeOut(Schema):
    id = fields.String()
    event_id = fields.String()
    kind = fields.String()
    enterprise = fields.String()
    partner = fields.String(allow_none=True)
    amount_yuan = fields.String(allow_none=True)
    people_placed = fields.Integer(allow_none=True)
    agreed_on = fields.Date()
    state = fields.String()
    history = fields.List(fields.Dict())


class EventSummary(Schema):
    id = fields.String()
    kind = fields.String()
    unit_code = fields.String()
    held_on = fields.Date()
    title = fields.String()


class EventOut(EventSummary):
    participants = fields.List(fields.Dict())
    outcomes = fields.List(fields.Nested(OutcomeOut))


class EventQuery(Page):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    kind = fields.String(validate=validate.OneOf(list(matchmaking.KINDS)))


class EventPage(Schema):
    items = fields.List(fields.Nested(EventSummary))
    total = fields.Integer()


class FiguresQuery(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    unit = fields.String(load_default=None, validate=UNIT)
