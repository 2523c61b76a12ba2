"""Rankings: a county's towns, or a town's communities, by their 同心指数 for a month or a year."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from supervision.entrypoints.api.common import ranked_within, supervision, uow
from supervision.entrypoints.api.schemas import AnnualRankingOut, RankingOut, RankingQuery
from supervision.service_layer import annual, assessment

blp = Blueprint("rankings", __name__, description="排名 / rankings")


@blp.route("/rankings/<month>")
class Ranking(MethodView):
    @blp.arguments(RankingQuery, location="query")
    @blp.response(200, RankingOut)
    def get(self, args, month):
        """The units one level below yours (or below ``within``), highest index first"""
        principal = current_principal()
        within = ranked_within(principal, args["within"] or principal.unit)
        return assessment.ranking(uow(), principal, supervision().scheme, month, within, supervision().clock())


@blp.route("/rankings/annual/<year>")
class AnnualRanking(MethodView):
    @blp.arguments(RankingQuery, location="query")
    @blp.response(200, AnnualRankingOut)
    def get(self, args, year):
        """年度排名：下一级单位按年度同心指数排序 / The units one level below yours (or ``within``) by annual index"""
        principal, sv = current_principal(), supervision()
        within = ranked_within(principal, args["within"] or principal.unit)
        return annual.annual_ranking(uow(), principal, sv.scheme, year, within, sv.clock())
