"""A unit's figures and score for a month, the events behind one figure (drill-down), the
monthly assessment of the units below one as a spreadsheet, and a unit's year."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from supervision.entrypoints.api.common import ranked_within, supervision, uow
from supervision.entrypoints.api.schemas import (
    AnnualOut,
    AssessmentOut,
    DrillDownOut,
    DrillDownQuery,
    RankingQuery,
    UnitQuery,
)
from supervision.service_layer import annual, assessment, drill_down

blp = Blueprint("assessments", __name__, description="月度与年度考核 / monthly figures and scores, and the year")


@blp.route("/assessments/<month>")
class UnitAssessment(MethodView):
    @blp.arguments(UnitQuery, location="query")
    @blp.response(200, AssessmentOut)
    def get(self, args, month):
        """A unit's indicators (its whole subtree) and its 同心指数 score for a month (YYYY-MM)"""
        principal = current_principal()
        unit = args["unit"] or principal.unit
        return assessment.unit_assessment(uow(), principal, supervision().scheme, month, unit, supervision().clock())


@blp.route("/assessments/annual/<year>")
class UnitYear(MethodView):
    @blp.arguments(UnitQuery, location="query")
    @blp.response(200, AnnualOut)
    def get(self, args, year):
        """年度考核：各已结束月份同心指数的平均 / A unit's annual index, the mean of its ended months"""
        principal, sv = current_principal(), supervision()
        unit = args["unit"] or principal.unit
        return annual.unit_year(uow(), principal, sv.scheme, year, unit, sv.clock())


@blp.route("/assessments/<month>/indicators/<indicator>/events")
class DrillDown(MethodView):
    @blp.arguments(DrillDownQuery, location="query")
    @blp.response(200, DrillDownOut)
    def get(self, args, month, indicator):
        """The events behind one figure of a unit: event ids and types, never names"""
        principal = current_principal()
        query = {**args, "month": month, "indicator": indicator, "unit": args["unit"] or principal.unit}
        return drill_down.drill_down(uow(), principal, supervision().scheme, query, supervision().clock())


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.route("/assessments/<month>/report.xlsx")
class MonthlyReport(MethodView):
    @blp.arguments(RankingQuery, location="query")
    @blp.doc(responses={"200": {"description": "the monthly assessment as .xlsx", "content": {XLSX: {}}}})
    def get(self, args, month):
        """The month's assessment of the units below yours (or below ``within``) as .xlsx, Chinese headers"""
        principal = current_principal()
        within = ranked_within(principal, args["within"] or principal.unit)
        sv = supervision()
        name, body = assessment.monthly_report_xlsx(uow(), principal, sv.scheme, month, within, sv.clock())
        return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/assessments/annual/<year>/report.xlsx")
class AnnualReport(MethodView):
    @blp.arguments(RankingQuery, location="query")
    @blp.doc(responses={"200": {"description": "the annual assessment as .xlsx", "content": {XLSX: {}}}})
    def get(self, args, year):
        """年度考核表：下一级单位的年度与各月同心指数 / The year's assessment of the units below yours, .xlsx"""
        principal, sv = current_principal(), supervision()
        within = ranked_within(principal, args["within"] or principal.unit)
        name, body = annual.annual_report_xlsx(uow(), principal, sv.scheme, year, within, sv.clock())
        return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
