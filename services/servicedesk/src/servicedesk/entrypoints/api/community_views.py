"""The suggestions mailbox, the volunteer corps, charity programmes and the annual figures."""

from __future__ import annotations

from decimal import Decimal

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.errors import InvalidInput
from chassis.http import current_principal, public
from servicedesk.entrypoints.api.common import limit_anonymous_client, now, uow
from servicedesk.entrypoints.api.community_schemas import (
    ActivityIn,
    ActivityOut,
    ActivityPage,
    ActivityQuery,
    BeneficiaryIn,
    BeneficiaryOut,
    BranchIn,
    BranchOut,
    DonationIn,
    DonationOut,
    ProjectIn,
    ProjectOut,
    ReceiptOut,
    StatisticsQuery,
    SuggestionActIn,
    SuggestionIn,
    SuggestionOut,
    SuggestionPage,
    SuggestionQuery,
    TrackOut,
    VolunteerIn,
    VolunteerOut,
)
from servicedesk.service_layer import charity, corps, statistics, suggestions

blp = Blueprint("community", __name__, description="建言献策、社会服务团、光彩事业 / mailbox, corps, charity")


# --- suggestions mailbox -----------------------------------------------------------------


@blp.route("/suggestions")
class Suggestions(MethodView):
    @public
    @blp.arguments(SuggestionIn)
    @blp.response(201, ReceiptOut)
    def post(self, body):
        """Leave an anonymous suggestion (建言献策) for an area; no account needed (rate limited)"""
        limit_anonymous_client()
        return suggestions.submit(uow(), body, now())

    @blp.arguments(SuggestionQuery, location="query")
    @blp.response(200, SuggestionPage)
    def get(self, args):
        """Suggestions from your scope, newest first"""
        return suggestions.listing(uow(), current_principal(), args.get("state"), args["limit"], args["offset"])


@blp.route("/suggestions/receipts/<receipt>")
class Track(MethodView):
    @public
    @blp.response(200, TrackOut)
    def get(self, receipt):
        """Follow a suggestion with its receipt code (rate limited)"""
        limit_anonymous_client()
        return suggestions.track(uow(), receipt)


@blp.route("/suggestions/<suggestion_id>")
class Suggestion(MethodView):
    @blp.response(200, SuggestionOut)
    def get(self, suggestion_id):
        """One suggestion"""
        return suggestions.get(uow(), current_principal(), suggestion_id)


@blp.route("/suggestions/<suggestion_id>/<any(forward,answer,adopt):action>")
class SuggestionAct(MethodView):
    @blp.arguments(SuggestionActIn)
    @blp.response(200, SuggestionOut)
    def post(self, body, suggestion_id, action):
        """forward (needs department), answer (needs answer), adopt (needs adopted: true or false)"""
        needed = {"forward": "department", "answer": "answer", "adopt": "adopted"}[action]
        if needed not in body:
            raise InvalidInput(f"缺少字段 {needed}", f"{action} needs {needed}", field=needed)
        return suggestions.act(uow(), current_principal(), suggestion_id, action, body, now())


# --- volunteer service corps ---------------------------------------------------------------


@blp.route("/corps/branches")
class Branches(MethodView):
    @blp.response(200, BranchOut(many=True))
    def get(self):
        """The corps' specialist branches and how many volunteers each has"""
        return corps.branch_list(uow())

    @blp.arguments(BranchIn)
    @blp.response(201, BranchOut)
    def post(self, body):
        """Add or rename a branch (admins)"""
        return corps.save_branch(uow(), current_principal(), body)


@blp.route("/corps/volunteers")
class Volunteers(MethodView):
    @blp.arguments(VolunteerIn)
    @blp.response(201, VolunteerOut)
    def post(self, body):
        """Enrol a registry person as a volunteer of a branch"""
        return corps.enrol(uow(), current_principal(), body)


@blp.route("/activities")
class Activities(MethodView):
    @blp.arguments(ActivityIn)
    @blp.response(201, ActivityOut)
    def post(self, body):
        """Record a volunteer activity with its volunteers' hours and the people served"""
        return corps.record_activity(uow(), current_principal(), body)

    @blp.arguments(ActivityQuery, location="query")
    @blp.response(200, ActivityPage)
    def get(self, args):
        """Activities held in your scope, newest first"""
        return corps.activity_list(
            uow(), current_principal(), args["start"], args["end"], args["limit"], args["offset"]
        )


@blp.route("/activities/<activity_id>")
class Activity(MethodView):
    @blp.response(200, ActivityOut)
    def get(self, activity_id):
        """One activity with its volunteers"""
        return corps.activity(uow(), current_principal(), activity_id)


# --- charity programmes --------------------------------------------------------------------


@blp.route("/charity/projects")
class Projects(MethodView):
    @blp.response(200, ProjectOut(many=True))
    def get(self):
        """Charity projects in your scope with their donations and beneficiaries"""
        return charity.project_list(uow(), current_principal())

    @blp.arguments(ProjectIn)
    @blp.response(201, ProjectOut)
    def post(self, body):
        """Start a project of 光彩事业 (guangcai) or 感恩行动 (gratitude)"""
        return charity.create_project(uow(), current_principal(), body)


@blp.route("/charity/projects/<project_id>")
class Project(MethodView):
    @blp.response(200, ProjectOut)
    def get(self, project_id):
        """One project with its totals"""
        return charity.project(uow(), current_principal(), project_id)


@blp.route("/charity/projects/<project_id>/donations")
class Donations(MethodView):
    @blp.arguments(DonationIn)
    @blp.response(201, DonationOut)
    def post(self, body, project_id):
        """Record a donation in money or in kind (with its assessed value), exact to the fen"""
        return charity.donate(uow(), current_principal(), project_id, body)


@blp.route("/charity/projects/<project_id>/beneficiaries")
class Beneficiaries(MethodView):
    @blp.arguments(BeneficiaryIn)
    @blp.response(201, BeneficiaryOut)
    def post(self, body, project_id):
        """Record people helped: pupils sponsored, elderly visited, families helped"""
        return charity.record_beneficiaries(uow(), current_principal(), project_id, body)


# --- figures for the annual report ---------------------------------------------------------


@blp.route("/statistics")
class Statistics(MethodView):
    @blp.arguments(StatisticsQuery, location="query")
    @blp.response(200)
    def get(self, args):
        """Problems solved by category, activities, people served, volunteer hours, projects,
        enterprises and donations, for a period and a unit subtree (default: yours)"""
        data = statistics.report(uow(), current_principal(), args["start"], args["end"], args["unit"])
        return _jsonable(data)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
