"""The suggestions mailbox, the volunteer corps, charity programmes and the annual figures."""

from __future__ import annotations

from decimal import Decimal

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from chassis.contracts import FullMatch
from chassis.errors import InvalidInput
from chassis.http import current_principal, public
from servicedesk.entrypoints.api.common import UNIT, Tx, desk, limit_anonymous_client, now
from servicedesk.service_layer import charity, corps, statistics, suggestions

blp = Blueprint("community", __name__, description="建言献策、社会服务团、光彩事业 / mailbox, corps, charity")


class Page(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000))


# --- suggestions mailbox -----------------------------------------------------------------


class SuggestionIn(Schema):
    # No person_id: nobody who has no account can speak in a member's name.
    unit_code = fields.String(required=True, validate=UNIT, metadata={"description": "the sender's area"})
    topic = fields.String(required=True, validate=validate.Length(min=2, max=200))
    content = fields.String(required=True, validate=validate.Length(min=5, max=10000))


class ReceiptOut(Schema):
    id = fields.String()
    receipt_code = fields.String(metadata={"description": "shown once: the sender follows the suggestion with it"})
    state = fields.String()


class TrackOut(Schema):
    topic = fields.String()
    state = fields.String()
    department = fields.String(allow_none=True)
    answer = fields.String(allow_none=True)
    adopted = fields.Boolean(allow_none=True)
    received_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)


class SuggestionOut(TrackOut):
    id = fields.String()
    person_id = fields.String(allow_none=True)
    unit_code = fields.String()
    content = fields.String()


class SuggestionQuery(Page):
    state = fields.String(validate=validate.OneOf(["received", "forwarded", "answered"]))


class SuggestionPage(Schema):
    items = fields.List(fields.Nested(SuggestionOut))
    total = fields.Integer()


class SuggestionActIn(Schema):
    department = fields.String(validate=validate.Length(min=1, max=100))
    answer = fields.String(validate=validate.Length(min=2, max=10000))
    adopted = fields.Boolean()


@blp.route("/suggestions")
class Suggestions(MethodView):
    @public
    @blp.arguments(SuggestionIn)
    @blp.response(201, ReceiptOut)
    def post(self, body):
        """Leave an anonymous suggestion (建言献策) for an area; no account needed (rate limited)"""
        limit_anonymous_client()
        with Tx() as s:
            return suggestions.submit(s, body, now())

    @blp.arguments(SuggestionQuery, location="query")
    @blp.response(200, SuggestionPage)
    def get(self, args):
        """Suggestions from your scope, newest first"""
        with desk().engine.connect() as conn:
            return suggestions.listing(conn, current_principal(), args.get("state"), args["limit"], args["offset"])


@blp.route("/suggestions/receipts/<receipt>")
class Track(MethodView):
    @public
    @blp.response(200, TrackOut)
    def get(self, receipt):
        """Follow a suggestion with its receipt code (rate limited)"""
        limit_anonymous_client()
        with Tx() as s:
            return suggestions.track(s, receipt)


@blp.route("/suggestions/<suggestion_id>")
class Suggestion(MethodView):
    @blp.response(200, SuggestionOut)
    def get(self, suggestion_id):
        """One suggestion"""
        with Tx() as s:
            return suggestions.get(s, current_principal(), suggestion_id)


@blp.route("/suggestions/<suggestion_id>/<any(forward,answer,adopt):action>")
class SuggestionAct(MethodView):
    @blp.arguments(SuggestionActIn)
    @blp.response(200, SuggestionOut)
    def post(self, body, suggestion_id, action):
        """forward (needs department), answer (needs answer), adopt (needs adopted: true or false)"""
        needed = {"forward": "department", "answer": "answer", "adopt": "adopted"}[action]
        if needed not in body:
            raise InvalidInput(f"缺少字段 {needed}", f"{action} needs {needed}", field=needed)
        with Tx() as s:
            return suggestions.act(s, current_principal(), suggestion_id, action, body, now())


# --- volunteer service corps ---------------------------------------------------------------


class BranchIn(Schema):
    code = fields.String(required=True, validate=FullMatch(r"^[a-z0-9_]{2,40}$"))
    name = fields.String(required=True, validate=validate.Length(min=2, max=100))
    specialty = fields.String(required=True, validate=validate.Length(min=2, max=100))
    unit_code = fields.String(required=True, validate=UNIT)


class BranchOut(BranchIn):
    volunteers = fields.Integer(dump_only=True)


class VolunteerIn(Schema):
    person_id = fields.String(required=True)
    branch_code = fields.String(required=True)
    expertise = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    joined_on = fields.Date(load_default=None, allow_none=True)


class VolunteerOut(VolunteerIn):
    name = fields.String()
    unit_code = fields.String()
    active = fields.Boolean()


class HoursIn(Schema):
    person_id = fields.String(required=True)
    hours = fields.Decimal(required=True, validate=validate.Range(min=0, min_inclusive=False, max=24), as_string=True)


class ActivityIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(corps.ACTIVITY_KINDS)))
    title = fields.String(required=True, validate=validate.Length(min=2, max=200))
    held_on = fields.Date(required=True)
    unit_code = fields.String(required=True, validate=UNIT)
    branch_code = fields.String(load_default=None, allow_none=True)
    people_served = fields.Integer(required=True, validate=validate.Range(min=0, max=1_000_000))
    volunteers = fields.List(fields.Nested(HoursIn), required=True, validate=validate.Length(min=1, max=500))


class ActivitySummary(Schema):
    id = fields.String()
    kind = fields.String()
    title = fields.String()
    held_on = fields.Date()
    unit_code = fields.String()
    branch_code = fields.String(allow_none=True)
    people_served = fields.Integer()
    total_hours = fields.Decimal(as_string=True)


class ActivityOut(ActivitySummary):
    volunteers = fields.List(fields.Dict())


class ActivityQuery(Page):
    start = fields.Date(data_key="from", load_default=None)
    end = fields.Date(data_key="to", load_default=None)


class ActivityPage(Schema):
    items = fields.List(fields.Nested(ActivitySummary))
    total = fields.Integer()


@blp.route("/corps/branches")
class Branches(MethodView):
    @blp.response(200, BranchOut(many=True))
    def get(self):
        """The corps' specialist branches and how many volunteers each has"""
        with desk().engine.connect() as conn:
            return corps.branch_list(conn)

    @blp.arguments(BranchIn)
    @blp.response(201, BranchOut)
    def post(self, body):
        """Add or rename a branch (admins)"""
        with Tx() as s:
            return corps.save_branch(s, current_principal(), body)


@blp.route("/corps/volunteers")
class Volunteers(MethodView):
    @blp.arguments(VolunteerIn)
    @blp.response(201, VolunteerOut)
    def post(self, body):
        """Enrol a registry person as a volunteer of a branch"""
        with Tx() as s:
            return corps.enrol(s, current_principal(), body)


@blp.route("/activities")
class Activities(MethodView):
    @blp.arguments(ActivityIn)
    @blp.response(201, ActivityOut)
    def post(self, body):
        """Record a volunteer activity with its volunteers' hours and the people served"""
        with Tx() as s:
            return corps.record_activity(s, current_principal(), body)

    @blp.arguments(ActivityQuery, location="query")
    @blp.response(200, ActivityPage)
    def get(self, args):
        """Activities held in your scope, newest first"""
        with desk().engine.connect() as conn:
            return corps.activity_list(
                conn, current_principal(), args["start"], args["end"], args["limit"], args["offset"]
            )


@blp.route("/activities/<activity_id>")
class Activity(MethodView):
    @blp.response(200, ActivityOut)
    def get(self, activity_id):
        """One activity with its volunteers"""
        with Tx() as s:
            return corps.activity(s, current_principal(), activity_id)


# --- charity programmes --------------------------------------------------------------------


class ProjectIn(Schema):
    programme = fields.String(required=True, validate=validate.OneOf(list(charity.PROGRAMMES)))
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    unit_code = fields.String(required=True, validate=UNIT)
    started_on = fields.Date(required=True)
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class ProjectOut(Schema):
    id = fields.String()
    programme = fields.String()
    name = fields.String()
    unit_code = fields.String()
    started_on = fields.Date()
    description = fields.String(allow_none=True)
    donations = fields.Integer()
    enterprises = fields.Integer()
    total_yuan = fields.Decimal(as_string=True)
    beneficiaries = fields.Dict()


class DonationIn(Schema):
    donor_person_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["money", "in_kind"]))
    value_yuan = fields.Decimal(
        required=True, metadata={"description": 'exact yuan (send as a string, e.g. "50000.00")'}
    )
    goods = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    donated_on = fields.Date(required=True)


class DonationOut(Schema):
    id = fields.String()
    project_id = fields.String()
    donor_person_id = fields.String()
    kind = fields.String()
    value_yuan = fields.Decimal(as_string=True)
    goods = fields.String(allow_none=True)
    donated_on = fields.Date()


class BeneficiaryIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(charity.BENEFICIARY_KINDS)))
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=1_000_000))
    recorded_on = fields.Date(load_default=None)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class BeneficiaryOut(BeneficiaryIn):
    id = fields.String()
    project_id = fields.String()


@blp.route("/charity/projects")
class Projects(MethodView):
    @blp.response(200, ProjectOut(many=True))
    def get(self):
        """Charity projects in your scope with their donations and beneficiaries"""
        with desk().engine.connect() as conn:
            return charity.project_list(conn, current_principal())

    @blp.arguments(ProjectIn)
    @blp.response(201, ProjectOut)
    def post(self, body):
        """Start a project of 光彩事业 (guangcai) or 感恩行动 (gratitude)"""
        with Tx() as s:
            return charity.create_project(s, current_principal(), body)


@blp.route("/charity/projects/<project_id>")
class Project(MethodView):
    @blp.response(200, ProjectOut)
    def get(self, project_id):
        """One project with its totals"""
        with Tx() as s:
            return charity.project(s, current_principal(), project_id)


@blp.route("/charity/projects/<project_id>/donations")
class Donations(MethodView):
    @blp.arguments(DonationIn)
    @blp.response(201, DonationOut)
    def post(self, body, project_id):
        """Record a donation in money or in kind (with its assessed value), exact to the fen"""
        with Tx() as s:
            return charity.donate(s, current_principal(), project_id, body)


@blp.route("/charity/projects/<project_id>/beneficiaries")
class Beneficiaries(MethodView):
    @blp.arguments(BeneficiaryIn)
    @blp.response(201, BeneficiaryOut)
    def post(self, body, project_id):
        """Record people helped: pupils sponsored, elderly visited, families helped"""
        with Tx() as s:
            return charity.record_beneficiaries(s, current_principal(), project_id, body)


# --- figures for the annual report ---------------------------------------------------------


class StatisticsQuery(Schema):
    start = fields.Date(data_key="from", required=True)
    end = fields.Date(data_key="to", required=True)
    unit = fields.String(load_default=None, validate=UNIT)


@blp.route("/statistics")
class Statistics(MethodView):
    @blp.arguments(StatisticsQuery, location="query")
    @blp.response(200)
    def get(self, args):
        """Problems solved by category, activities, people served, volunteer hours, projects,
        enterprises and donations, for a period and a unit subtree (default: yours)"""
        with desk().engine.connect() as conn:
            data = statistics.report(conn, current_principal(), args["start"], args["end"], args["unit"])
        return _jsonable(data)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
