"""Evaluation rounds: create, read, move through their states, and their ranked report."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from evaluation.entrypoints.api import schemas as s
from evaluation.entrypoints.api.common import XLSX, uow
from evaluation.service_layer import reports, rounds

blp = Blueprint("rounds", __name__, url_prefix="/rounds", description="评价轮次 / evaluation rounds")


@blp.route("")
class Rounds(MethodView):
    @blp.response(200, s.RoundOut(many=True))
    def get(self):
        """Rounds you can see, newest first"""
        return rounds.listing(uow(), current_principal())

    @blp.arguments(s.RoundIn)
    @blp.response(201, s.RoundOut)
    def post(self, body):
        """Create an evaluation round (draft)"""
        return rounds.create(uow(), current_principal(), body)


@blp.route("/<round_id>")
class Round(MethodView):
    @blp.response(200, s.RoundOut)
    def get(self, round_id):
        """One round"""
        return rounds.get(uow(), current_principal(), round_id)


@blp.route("/<round_id>/<any(open,close,review,publish):action>")
class RoundTransition(MethodView):
    @blp.response(200, s.RoundOut)
    def post(self, round_id, action):
        """Move a round on: open (fixes the cohort), close (computes outcomes), review, publish"""
        return rounds.transition(uow(), current_principal(), round_id, action)


@blp.route("/<round_id>/report")
class Report(MethodView):
    @blp.response(200, s.ReportOut)
    def get(self, round_id):
        """The ranked list with every component score and flag (your scope only)"""
        return reports.report(uow(), current_principal(), round_id)


@blp.route("/<round_id>/report.xlsx")
class ReportSpreadsheet(MethodView):
    @blp.doc(responses={"200": {"description": "the report as .xlsx", "content": {XLSX: {}}}})
    def get(self, round_id):
        """The ranked list as a spreadsheet (your scope only)"""
        name, body = reports.report_xlsx(uow(), current_principal(), round_id)
        return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
