"""The ten base databases (十大基础工作信息库) a person can be classed in."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from registry.domain.categories import BASE_DATABASES, SENSITIVE_CATEGORIES

blp = Blueprint("categories", __name__, description="基础库 / base databases")


class CategoryInfo(Schema):
    code = fields.String()
    name = fields.String()
    sensitive = fields.Boolean()


@blp.route("/categories")
class Categories(MethodView):
    @blp.response(200, CategoryInfo(many=True))
    def get(self):
        """The 10 base databases (十大基础工作信息库)"""
        return [{"code": c, "name": n, "sensitive": c in SENSITIVE_CATEGORIES} for c, n in BASE_DATABASES.items()]
