"""Service requests (诉求): open, search, read with their SLA clocks and history, move on."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from servicedesk.domain import lifecycle
from servicedesk.entrypoints.api.common import desk, now, uow
from servicedesk.entrypoints.api.requests_schemas import (
    MoveIn,
    RequestIn,
    RequestOut,
    RequestPage,
    RequestQuery,
    RequestSummary,
)
from servicedesk.service_layer import request_search, requests

blp = Blueprint("requests", __name__, description="诉求 / service requests")


@blp.route("/requests")
class Requests(MethodView):
    @blp.arguments(RequestIn)
    @blp.response(201, RequestOut)
    def post(self, body):
        """Open a member's request; an urgent one is also published for emergency coordination"""
        request_id = requests.open_request(uow(), current_principal(), body, desk().calendar, now())
        return requests.view(uow(), current_principal(), request_id, desk().calendar, now())

    @blp.arguments(RequestQuery, location="query")
    @blp.response(200, RequestPage)
    def get(self, args):
        """Requests in your scope, newest first; filter by state, category, priority, breach, unit or person"""
        limit, cursor = args.pop("limit"), args.pop("cursor")
        return request_search.search(uow(), current_principal(), args, desk().calendar, limit, cursor, now())


@blp.route("/requests/<request_id>")
class Request(MethodView):
    @blp.response(200, RequestOut)
    def get(self, request_id):
        """One request with its SLA clocks and full history"""
        return requests.view(uow(), current_principal(), request_id, desk().calendar, now())


@blp.route(f"/requests/<request_id>/<any({','.join(lifecycle.MOVES)}):action>")
class Move(MethodView):
    @blp.arguments(MoveIn)
    @blp.response(200, RequestSummary)
    def post(self, body, request_id, action):
        """Move a request: accept, start, wait (pauses the clock), resume, resolve, close (with the
        member's satisfaction), reject or reopen; illegal moves are 409 with the allowed ones"""
        return requests.transition(uow(), current_principal(), request_id, action, body, desk().calendar, now())
