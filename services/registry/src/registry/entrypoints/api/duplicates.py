"""Likely duplicate records in the caller's scope, for an editor to merge."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from registry.entrypoints.api import schemas as s
from registry.entrypoints.api.common import registry
from registry.service_layer import queries

blp = Blueprint("duplicates", __name__, description="疑似重复 / likely duplicates")


@blp.route("/duplicates")
class Duplicates(MethodView):
    @blp.response(200, s.DuplicateGroup(many=True))
    def get(self):
        """Likely duplicates in your scope: same name and birth date, or same name and phone"""
        return queries.likely_duplicates(registry().uow, current_principal())
