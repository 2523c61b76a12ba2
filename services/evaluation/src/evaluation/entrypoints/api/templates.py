"""Index templates (6 categories, 20 items, weights): list, read, save a new version."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from evaluation.entrypoints.api import schemas as s
from evaluation.entrypoints.api.common import uow
from evaluation.service_layer import templates

blp = Blueprint("templates", __name__, url_prefix="/index-templates", description="评价指标 / index templates")


@blp.route("")
class Templates(MethodView):
    @blp.response(200, s.TemplateBrief(many=True))
    def get(self):
        """Index templates and their versions (the built-in 6x20 default first)"""
        return templates.listing(uow())

    @blp.arguments(s.TemplateIn)
    @blp.response(201)
    def post(self, body):
        """Save a new template, or the next version of one (weights must add up to 1); admins only"""
        return templates.save(uow(), current_principal(), body)


@blp.route("/<code>/<int:version>")
class Template(MethodView):
    @blp.response(200)
    def get(self, code, version):
        """One template version with its categories and items"""
        return templates.find(uow(), code, version)
