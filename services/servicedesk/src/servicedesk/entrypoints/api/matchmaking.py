"""引资引智, 银企对接, 科技对接: matchmaking events, their outcomes and the year's figures."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from servicedesk.entrypoints.api.common import uow
from servicedesk.entrypoints.api.matchmaking_schemas import (
    EventIn,
    EventOut,
    EventPage,
    EventQuery,
    FiguresQuery,
    OutcomeIn,
    OutcomeMoveIn,
    OutcomeOut,
)
from servicedesk.service_layer import matchmaking, matchmaking_figures

blp = Blueprint("matchmaking", __name__, description="引资引智·银企对接·科技对接 / matchmaking")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.route("/matchmaking/events")
class Events(MethodView):
    @blp.arguments(EventQuery, location="query")
    @blp.response(200, EventPage)
    def get(self, args):
        """Matchmaking events organised in your scope, newest first"""
        return matchmaking.event_list(uow(), current_principal(), args)

    @blp.arguments(EventIn)
    @blp.response(201, EventOut)
    def post(self, body):
        """Record an event with its participants (organisations by name, people by registry id)"""
        return matchmaking.create_event(uow(), current_principal(), body)


@blp.route("/matchmaking/events/<event_id>")
class Event(MethodView):
    @blp.response(200, EventOut)
    def get(self, event_id):
        """One event with its participants and its outcomes' follow-up history"""
        return matchmaking.event(uow(), current_principal(), event_id)


@blp.route("/matchmaking/events/<event_id>/outcomes")
class Outcomes(MethodView):
    @blp.arguments(OutcomeIn)
    @blp.response(201, OutcomeOut)
    def post(self, body, event_id):
        """Record an outcome: a project signed or a loan granted (amount as exact yuan text), people placed"""
        return matchmaking.record_outcome(uow(), current_principal(), event_id, body)


@blp.route("/matchmaking/outcomes/<outcome_id>/state")
class OutcomeState(MethodView):
    @blp.arguments(OutcomeMoveIn)
    @blp.response(200, OutcomeOut)
    def post(self, body, outcome_id):
        """Follow an outcome up: agreed -> in_progress -> completed, or fallen_through"""
        return matchmaking.move_outcome(uow(), current_principal(), outcome_id, body)


@blp.route("/matchmaking/figures")
class Figures(MethodView):
    @blp.arguments(FiguresQuery, location="query")
    @blp.response(200)
    def get(self, args):
        """The year's figures for a unit subtree (default: yours), with a row per unit below it"""
        return matchmaking_figures.figures(uow(), current_principal(), args["year"], args["unit"])


@blp.route("/matchmaking/figures.xlsx")
class FiguresSpreadsheet(MethodView):
    @blp.arguments(FiguresQuery, location="query")
    @blp.doc(responses={"200": {"description": "the figures as .xlsx", "content": {XLSX: {}}}})
    def get(self, args):
        """The year's figures as a spreadsheet"""
        name, body = matchmaking_figures.figures_xlsx(uow(), current_principal(), args["year"], args["unit"])
        return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
