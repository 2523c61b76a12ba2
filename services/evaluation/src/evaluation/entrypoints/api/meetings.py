"""Joint evaluation meetings (联席评价) and their decisions on people."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from evaluation.entrypoints.api import list_schemas as ls
from evaluation.entrypoints.api import schemas as s
from evaluation.entrypoints.api.common import uow
from evaluation.service_layer import meetings, qualification_lists

blp = Blueprint("meetings", __name__, url_prefix="/meetings", description="联席评价 / joint evaluation meetings")


@blp.route("")
class Meetings(MethodView):
    @blp.arguments(ls.MeetingQuery, location="query")
    @blp.response(200, ls.MeetingPage)
    def get(self, args):
        """Joint meetings convened in your subtree, latest first, with people reviewed and decisions taken

        Filter by `year` (held), `unit`, participating `body`, `round_id`; `limit` and `cursor` page."""
        limit, cursor = args.pop("limit"), args.pop("cursor")
        return qualification_lists.meetings_page(uow(), current_principal(), args, limit, cursor)

    @blp.arguments(s.MeetingIn)
    @blp.response(201, s.MeetingOut)
    def post(self, body):
        """Convene a joint evaluation meeting (联席评价)"""
        return meetings.create(uow(), current_principal(), body)


@blp.route("/<meeting_id>")
class Meeting(MethodView):
    @blp.response(200, s.MeetingOut)
    def get(self, meeting_id):
        """A meeting and its decisions"""
        return meetings.view(uow(), current_principal(), meeting_id)


@blp.route("/<meeting_id>/decisions")
class Decisions(MethodView):
    @blp.arguments(s.DecisionIn)
    @blp.response(201, s.DecisionOut)
    def post(self, body, meeting_id):
        """Decide on a person: retain, talk, warning or revoke (overrides need a justification)"""
        return meetings.decide(uow(), current_principal(), meeting_id, body)
