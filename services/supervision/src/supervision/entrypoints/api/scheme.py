"""The assessment scheme (考核方案) open months are scored with, and every indicator's definition."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from supervision.entrypoints.api.common import supervision
from supervision.entrypoints.api.schemas import SchemeOut
from supervision.service_layer import assessment

blp = Blueprint("scheme", __name__, description="考核方案 / the assessment scheme")


@blp.route("/scheme")
class CurrentScheme(MethodView):
    @blp.response(200, SchemeOut)
    def get(self):
        """The 同心指数 scheme: sections, weighted items, targets per level, what is not measured yet"""
        return assessment.describe_scheme(supervision().scheme)
