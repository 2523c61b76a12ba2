"""Rankings: a county's towns, or a town's communities, by their 同心指数 for a month."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from supervision.entrypoints.api.common import ranked_within, supervision, uow
from supervision.entrypoints.api.schemas import RankingOut, RankingQuery
from supervision.service_layer import assessment

blp = Blueprint("rankings", __name__, description="排名 / rankings")


@blp.route("/rankings/<month>")
class Ranking(MethodView):
    @blp.arguments(RankingQuery, location="query")
    @blp.response(200, RankingOut)
    def get(self, args, month):
        """The units one level below yours (or below ``within``), highest index first"""
        principal = current_principal()
        within = ranked_within(principal, args["within"] or principal.unit)
        return assessment.ranking(uow(), principal, supervision().scheme, month, within)
