"""The figures for the department's annual report."""

from __future__ import annotations

from decimal import Decimal

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from servicedesk.entrypoints.api.common import uow
from servicedesk.entrypoints.api.community_schemas import StatisticsQuery
from servicedesk.service_layer import statistics

blp = Blueprint("statistics", __name__, description="年度统计 / annual figures")


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
