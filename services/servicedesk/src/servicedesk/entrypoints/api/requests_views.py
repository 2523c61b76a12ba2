"""Service requests (诉求) and their categories."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from chassis.http import current_principal
from servicedesk.domain import lifecycle
from servicedesk.entrypoints.api.common import UNIT, desk, now, uow
from servicedesk.service_layer import categories, read_model, request_search, requests

blp = Blueprint("requests", __name__, description="诉求 / service requests")


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


@blp.route("/requests")
class Requests(MethodView):
    @blp.arguments(RequestIn)
    @blp.response(201, RequestOut)
    def post(self, body):
        """Open a member's request; an urgent one is also published for emergency coordination"""
        request_id = requests.open_request(uow(), current_principal(), body, desk().calendar, now())
        return requests.view(uow(), current_principal(), request_id, desk().calendar)

    @blp.arguments(RequestQuery, location="query")
    @blp.response(200, RequestPage)
    def get(self, args):
        """Requests in your scope, newest first; filter by state, category, priority, breach, unit or person"""
        limit, cursor = args.pop("limit"), args.pop("cursor")
        return request_search.search(uow(), current_principal(), args, desk().calendar, limit, cursor)


@blp.route("/requests/<request_id>")
class Request(MethodView):
    @blp.response(200, RequestOut)
    def get(self, request_id):
        """One request with its SLA clocks and full history"""
        return requests.view(uow(), current_principal(), request_id, desk().calendar)


@blp.route(f"/requests/<request_id>/<any({','.join(lifecycle.MOVES)}):action>")
class Move(MethodView):
    @blp.arguments(MoveIn)
    @blp.response(200, RequestSummary)
    def post(self, body, request_id, action):
        """Move a request: accept, start, wait (pauses the clock), resume, resolve, close (with the
        member's satisfaction), reject or reopen; illegal moves are 409 with the allowed ones"""
        return requests.transition(uow(), current_principal(), request_id, action, body, desk().calendar, now())


@blp.route("/request-categories")
class Categories(MethodView):
    @blp.response(200, CategoryOut(many=True))
    def get(self):
        """Request categories with their SLAs (working days to first response and to resolution, by priority)"""
        return categories.category_list(uow())


@blp.route("/request-categories/<code>")
class Category(MethodView):
    @blp.arguments(CategoryIn)
    @blp.response(200, CategoryOut)
    def put(self, body, code):
        """Add or change a category and its SLAs (admins); retire one with active=false"""
        return categories.save_category(uow(), current_principal(), code, body)


class PersonOut(Schema):
    person_id = fields.String()
    version = fields.Integer()
    name = fields.String()
    unit_code = fields.String()
    status = fields.String()
    categories = fields.List(fields.String())
    representative_roles = fields.List(fields.Dict())


@blp.route("/people/<person_id>")
class Person(MethodView):
    @blp.response(200, PersonOut)
    def get(self, person_id):
        """What the service desk knows of a person from the registry (its local view), in your scope"""
        return read_model.person(uow(), current_principal(), person_id)
