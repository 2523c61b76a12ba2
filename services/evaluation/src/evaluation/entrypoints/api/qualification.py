"""The qualification loop's decisions list and annual figures (资格管理台账与年度统计)."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from evaluation.entrypoints.api import list_schemas as ls
from evaluation.entrypoints.api.common import XLSX, uow
from evaluation.service_layer import annual_figures, qualification_lists

blp = Blueprint("qualification", __name__, description="联席评价决定与年度统计 / decisions and annual figures")


@blp.route("/decisions")
class DecisionList(MethodView):
    @blp.arguments(ls.DecisionQuery, location="query")
    @blp.response(200, ls.DecisionPage)
    def get(self, args):
        """Joint meetings' decisions on people of your subtree, latest first; revocations with their end

        Filter by `year` (meeting held), `unit` (the person's when decided), `body`, `outcome` (a kind,
        or `revoked`), `meeting_id`, `person_id`; `limit` and `cursor` page."""
        limit, cursor = args.pop("limit"), args.pop("cursor")
        return qualification_lists.decisions_page(uow(), current_principal(), args, limit, cursor)


@blp.route("/qualification-figures")
class Figures(MethodView):
    @blp.arguments(ls.FiguresQuery, location="query")
    @blp.response(200, ls.FiguresOut)
    def get(self, args):
        """A year's figures per unit below `unit` (default: yours): meetings held, people reviewed,
        retained, talks, warnings, qualifications revoked"""
        return annual_figures.annual(uow(), current_principal(), args["year"], args.get("unit"))


@blp.route("/qualification-figures.xlsx")
class FiguresSpreadsheet(MethodView):
    @blp.arguments(ls.FiguresQuery, location="query")
    @blp.doc(responses={"200": {"description": "the figures as .xlsx", "content": {XLSX: {}}}})
    def get(self, args):
        """The same figures as a spreadsheet, with a total row"""
        name, body = annual_figures.annual_xlsx(uow(), current_principal(), args["year"], args.get("unit"))
        return Response(body, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
