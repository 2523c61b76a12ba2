"""Admin units (行政区划): the county > town > community tree, its changes and their history."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from chassis.http import current_principal
from registry.entrypoints.api import schemas as s
from registry.entrypoints.api.common import registry
from registry.service_layer import units as unit_service

blp = Blueprint("units", __name__, description="行政区划 / admin units")


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
