"""The volunteer service corps (同心·社会服务团): branches, volunteers, activities."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from servicedesk.entrypoints.api.common import uow
from servicedesk.entrypoints.api.community_schemas import (
    ActivityIn,
    ActivityOut,
    ActivityPage,
    ActivityQuery,
    BranchIn,
    BranchOut,
    VolunteerIn,
    VolunteerOut,
)
from servicedesk.service_layer import corps

blp = Blueprint("corps", __name__, description="社会服务团 / volunteer corps")


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
