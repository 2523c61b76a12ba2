"""Dashboard statistics: people per base database and unit, representatives per body and level."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from chassis.http import current_principal
from registry.entrypoints.api import schemas as s
from registry.entrypoints.api.common import registry
from registry.service_layer import statistics

blp = Blueprint("statistics", __name__, description="统计 / statistics")


class StatsArgs(Schema):
    unit = fields.String(validate=s.UNIT)
    as_of = fields.Date()


class StatsRow(Schema):
    unit_code = fields.String()
    unit_name = fields.String()
    counts = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(allow_none=True),
        metadata={"description": "null: fewer than 5 in a community (viewers); religious/ethnic ones editors only"},
    )


class CategoryStats(Schema):
    unit = fields.String()
    as_of = fields.Date()
    active_people = fields.Integer()
    rows = fields.List(fields.Nested(StatsRow))


class BodyStats(Schema):
    body = fields.String()
    level = fields.String()
    count = fields.Integer()


@blp.route("/statistics/categories")
class CategoryStatistics(MethodView):
    @blp.arguments(StatsArgs, location="query")
    @blp.response(200, CategoryStats)
    def get(self, args):
        """Active people per base database x child unit"""
        return statistics.category_by_unit(registry().uow, current_principal(), args.get("unit"), args.get("as_of"))


@blp.route("/statistics/representatives")
class RepresentativeStatistics(MethodView):
    @blp.response(200, BodyStats(many=True))
    def get(self):
        """Representatives by body and level"""
        return statistics.representatives_by_body(registry().uow, current_principal())
