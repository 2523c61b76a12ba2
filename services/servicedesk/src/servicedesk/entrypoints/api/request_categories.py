"""Request categories and their SLAs (working days to first response and to resolution)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from servicedesk.entrypoints.api.common import uow
from servicedesk.entrypoints.api.requests_schemas import CategoryIn, CategoryOut
from servicedesk.service_layer import categories

blp = Blueprint("categories", __name__, description="诉求类别 / request categories")


@blp.route("/request-categories")
class Categories(MethodView):
    @blp.response(200, CategoryOut(many=True))
    def get(self):
        """Request categories with their SLAs (working days to first response and to resolution, by priority)"""
        return categories.category_list(uow())


@blp.route("/request-categories/<code>")
class Category(MethodView):
    @blp.arguments(CategoryIn)
    @blp.response(200, CategoryOut)
    def put(self, body, code):
        """Add or change a category and its SLAs (admins); retire one with active=false"""
        return categories.save_category(uow(), current_principal(), code, body)
