"""Admin units, base databases, likely duplicates and dashboard statistics."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from chassis.http import current_principal
from registry.domain.categories import BASE_DATABASES, SENSITIVE_CATEGORIES
from registry.entrypoints.api import schemas as s
from registry.entrypoints.api.common import registry
from registry.service_layer import queries, statistics
from registry.service_layer import units as unit_service

blp = Blueprint("reference", __name__, description="行政区划、基础库、统计 / units, base databases, statistics")


class UnitOut(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String()
    parent_code = fields.String(allow_none=True)
    retired_at = fields.DateTime(allow_none=True)
    version = fields.Integer()


class UnitIn(Schema):
    code = fields.String(required=True, validate=s.UNIT)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class UnitRename(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class UnitArgs(Schema):
    include_retired = fields.Boolean(load_default=False)


class UnitHistoryOut(Schema):
    action = fields.String()
    old_name = fields.String(allow_none=True)
    new_name = fields.String(allow_none=True)
    actor = fields.String()
    at = fields.DateTime()


class CategoryInfo(Schema):
    code = fields.String()
    name = fields.String()
    sensitive = fields.Boolean()


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


@blp.route("/units")
class Units(MethodView):
    @blp.arguments(UnitArgs, location="query")
    @blp.response(200, UnitOut(many=True))
    def get(self, args):
        """Admin units in your scope (county > town > community)"""
        return unit_service.tree(registry().uow, current_principal(), args["include_retired"])

    @blp.arguments(UnitIn)
    @blp.response(201, UnitOut)
    def post(self, body):
        """Add an admin unit (admin)"""
        return unit_service.add_unit(registry().uow, current_principal(), body["code"], body["name"])


@blp.route("/units/<code>")
class Unit(MethodView):
    @blp.arguments(UnitRename)
    @blp.response(200, UnitOut)
    def patch(self, body, code):
        """Rename an admin unit (admin); the old name stays in its history"""
        return unit_service.rename_unit(registry().uow, current_principal(), code, body["name"])


@blp.route("/units/<code>/retire")
class RetireUnit(MethodView):
    @blp.response(200, UnitOut)
    def post(self, code):
        """Retire an admin unit that has no active people (admin)"""
        return unit_service.retire_unit(registry().uow, current_principal(), code)


@blp.route("/units/<code>/history")
class UnitHistory(MethodView):
    @blp.response(200, UnitHistoryOut(many=True))
    def get(self, code):
        """Additions, renames and retirements of a unit"""
        return unit_service.unit_history(registry().uow, current_principal(), code)


@blp.route("/categories")
class Categories(MethodView):
    @blp.response(200, CategoryInfo(many=True))
    def get(self):
        """The 10 base databases (十大基础工作信息库)"""
        return [{"code": c, "name": n, "sensitive": c in SENSITIVE_CATEGORIES} for c, n in BASE_DATABASES.items()]


@blp.route("/duplicates")
class Duplicates(MethodView):
    @blp.response(200, s.DuplicateGroup(many=True))
    def get(self):
        """Likely duplicates in your scope: same name and birth date, or same name and phone"""
        return queries.likely_duplicates(registry().uow, current_principal())


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
