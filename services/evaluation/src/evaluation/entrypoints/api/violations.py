"""Violations (违法违纪): list them, record one with its evidence, rescind it; the veto follows in the service layer."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from evaluation.entrypoints.api import list_schemas as ls
from evaluation.entrypoints.api import schemas as s
from evaluation.entrypoints.api.common import uow
from evaluation.service_layer import violation_list, violations

blp = Blueprint("violations", __name__, description="违法违纪与一票否决 / violations and the veto")


@blp.route("/violations")
class ViolationList(MethodView):
    @blp.arguments(ls.ViolationQuery, location="query")
    @blp.response(200, ls.ViolationPage)
    def get(self, args):
        """Violations of people in your subtree (notices received, staff records) and the rounds they veto

        Evaluators and reviewers only. Filter by `year` (occurred), `unit`, `status` (in_force, rescinded),
        `source` (notice, staff), `agency`, `person_id`; `limit` and `cursor` page."""
        limit, cursor = args.pop("limit"), args.pop("cursor")
        return violation_list.violations_page(uow(), current_principal(), args, limit, cursor)


@blp.route("/people/<person_id>/violations")
class Violations(MethodView):
    @blp.arguments(s.ViolationIn)
    @blp.response(201, s.IdOut)
    def post(self, body, person_id):
        """Record a violation (违法违纪) with its evidence; vetoes the person in affected rounds"""
        return {"id": violations.staff_record(uow(), current_principal(), person_id, body)}


@blp.route("/violations/<violation_id>/rescind")
class Rescind(MethodView):
    @blp.arguments(s.RescindIn)
    @blp.response(200, s.IdOut)
    def post(self, body, violation_id):
        """Rescind a violation (e.g. on appeal); lifts the veto where it applied"""
        violations.staff_rescind(uow(), current_principal(), violation_id, body["reason"])
        return {"id": violation_id}
