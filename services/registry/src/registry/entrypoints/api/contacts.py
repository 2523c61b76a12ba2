"""Contacts (联系人): a representative's responsible cadre, follow-ups, task lists, overdue counts."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from chassis.http import current_principal
from registry.domain import liaison
from registry.entrypoints.api.common import registry
from registry.entrypoints.api.schemas import UNIT
from registry.service_layer import contacts, follow_up_lists

blp = Blueprint("contacts", __name__, description="联系人与回访 / responsible cadres and follow-ups")
SUBJECT = validate.Length(min=1, max=100)


class CadreIn(Schema):
    subject = fields.String(required=True, validate=SUBJECT, metadata={"description": "the staff user's username"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    unit = fields.String(required=True, validate=UNIT, metadata={"description": "the person's unit or one above"})


class AssignIn(Schema):
    cadre = fields.Nested(CadreIn, required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class CadreOut(Schema):
    cadre_subject = fields.String()
    cadre_name = fields.String()
    cadre_unit = fields.String()
    reason = fields.String(allow_none=True)
    assigned_by = fields.String()
    assigned_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)


class CadresOut(Schema):
    person_id = fields.String()
    current = fields.Nested(CadreOut, allow_none=True)
    history = fields.List(fields.Nested(CadreOut))


class PlanIn(Schema):
    due_on = fields.Date(required=True, metadata={"description": "planned day (China time), 30 days back to a year on"})
    note = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class CloseIn(Schema):
    state = fields.String(required=True, validate=validate.OneOf(liaison.CLOSED))
    outcome = fields.String(required=True, validate=validate.Length(min=1, max=200))


class CadreRef(Schema):
    subject = fields.String()
    name = fields.String()
    unit = fields.String()


class FollowUpOut(Schema):
    id = fields.Integer()
    person_id = fields.String()
    person_name = fields.String()
    unit_code = fields.String()
    cadre = fields.Nested(CadreRef, allow_none=True)
    due_on = fields.Date()
    overdue = fields.Boolean()
    note = fields.String()
    state = fields.String()
    outcome = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()
    closed_by = fields.String(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


class TaskArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    cadre = fields.String(validate=SUBJECT, metadata={"description": "a cadre's username, or `me`"})
    unit = fields.String(validate=UNIT, metadata={"description": "this unit's subtree (within yours)"})
    person_id = fields.String(validate=validate.Length(max=36))
    state = fields.String(load_default=liaison.OPEN, validate=validate.OneOf([*liaison.STATES, "all"]))
    due_by = fields.Date(metadata={"description": "planned on or before this day"})
    this_week = fields.Boolean(load_default=False, metadata={"description": "due by this Sunday (China time)"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(validate=validate.Length(max=200))


class TaskPage(Schema):
    items = fields.List(fields.Nested(FollowUpOut))
    next_cursor = fields.String(allow_none=True)
    today = fields.Date(metadata={"description": "today in China time: a follow-up before it is overdue"})


class CountsArgs(Schema):
    unit = fields.String(validate=UNIT)


class UnitCounts(Schema):
    unit_code = fields.String()
    unit_name = fields.String()
    open = fields.Integer()
    overdue = fields.Integer()


class CountsOut(Schema):
    unit = fields.String()
    as_of = fields.Date()
    open = fields.Integer()
    overdue = fields.Integer()
    rows = fields.List(fields.Nested(UnitCounts))


@blp.route("/people/<person_id>/cadre")
class ResponsibleCadre(MethodView):
    @blp.response(200, CadresOut)
    def get(self, person_id):
        """A representative's responsible cadre (联系人) and every one before"""
        return contacts.cadres_of(registry().uow, current_principal(), person_id)

    @blp.arguments(AssignIn)
    @blp.response(200, CadresOut)
    def put(self, body, person_id):
        """Assign or change a representative's responsible cadre (staff of the person's unit or above)"""
        cadre = liaison.Cadre(**body["cadre"])
        return contacts.assign_cadre(registry().uow, current_principal(), person_id, cadre, body["reason"])


@blp.route("/people/<person_id>/follow-ups")
class PlanFollowUp(MethodView):
    @blp.arguments(PlanIn)
    @blp.response(201, FollowUpOut)
    def post(self, body, person_id):
        """Plan a follow-up of a representative who has a responsible cadre"""
        uow, principal = registry().uow, current_principal()
        new_id = contacts.plan_follow_up(uow, principal, person_id, body["due_on"], body["note"])
        return follow_up_lists.follow_up(uow, principal, new_id)


@blp.route("/follow-ups")
class FollowUps(MethodView):
    @blp.arguments(TaskArgs, location="query")
    @blp.response(200, TaskPage)
    def get(self, args):
        """Follow-up task list: by cadre (`cadre=me`) or unit, open ones by planned day, overdue first

        `this_week=true` keeps those due by this Sunday (China time), `due_by` by a day of your choice.
        Page with `cursor` (from `next_cursor`).
        """
        limit, cursor = args.pop("limit"), args.pop("cursor", None)
        filters = follow_up_lists.TaskFilters(**args)
        return follow_up_lists.task_list(registry().uow, current_principal(), filters, limit, cursor)


@blp.route("/follow-ups/<int:follow_up_id>/close")
class CloseFollowUp(MethodView):
    @blp.arguments(CloseIn)
    @blp.response(200, FollowUpOut)
    def post(self, body, follow_up_id):
        """Close a follow-up, done or not done, with a short outcome (once)"""
        uow, principal = registry().uow, current_principal()
        contacts.close_follow_up(uow, principal, follow_up_id, body["state"], body["outcome"])
        return follow_up_lists.follow_up(uow, principal, follow_up_id)


@blp.route("/follow-ups/overdue-counts")
class OverdueCounts(MethodView):
    @blp.arguments(CountsArgs, location="query")
    @blp.response(200, CountsOut)
    def get(self, args):
        """Open and overdue follow-ups per child unit of `unit` (default: yours)"""
        return follow_up_lists.overdue_by_unit(registry().uow, current_principal(), args.get("unit"))
