"""A unit's figures and score for a month, and the events behind one figure (drill-down)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from supervision.entrypoints.api.common import supervision, uow
from supervision.entrypoints.api.schemas import AssessmentOut, DrillDownOut, DrillDownQuery, UnitQuery
from supervision.service_layer import assessment

blp = Blueprint("assessments", __name__, description="月度考核 / monthly figures and scores")


@blp.route("/assessments/<month>")
class UnitAssessment(MethodView):
    @blp.arguments(UnitQuery, location="query")
    @blp.response(200, AssessmentOut)
    def get(self, args, month):
        """A unit's indicators (its whole subtree) and its 同心指数 score for a month (YYYY-MM)"""
        principal = current_principal()
        unit = args["unit"] or principal.unit
        return assessment.unit_assessment(uow(), principal, supervision().scheme, month, unit)


@blp.route("/assessments/<month>/indicators/<indicator>/events")
class DrillDown(MethodView):
    @blp.arguments(DrillDownQuery, location="query")
    @blp.response(200, DrillDownOut)
    def get(self, args, month, indicator):
        """The events behind one figure of a unit: event ids and types, never names"""
        principal = current_principal()
        query = {**args, "month": month, "indicator": indicator, "unit": args["unit"] or principal.unit}
        return assessment.drill_down(uow(), principal, supervision().scheme, query)
