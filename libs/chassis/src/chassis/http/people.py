"""``GET /people/<person_id>``: what a consuming service knows of a person from the registry.

Evaluation and the service desk each serve their people view (``chassis.people_view``) with
this one blueprint and schema, so the answer, its scope rule (404 alike for a person who is
absent and one outside the caller's scope) and its OpenAPI entry are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from chassis import people_view
from chassis.http.app import current_principal
from chassis.unit_of_work import UowFactory


class PersonOut(Schema):
    person_id = fields.String()
    version = fields.Integer()
    name = fields.String()
    unit_code = fields.String()
    status = fields.String()
    categories = fields.List(fields.String())
    representative_roles = fields.List(fields.Dict())
    is_representative = fields.Boolean()


def people_blueprint(uow: Callable[[], UowFactory], table: sa.Table, unknown: tuple[str, str]) -> Blueprint:
    """The blueprint over ``table``; ``uow()`` gives the app's unit-of-work factory at request time,
    ``unknown`` is the 404's text (Chinese, English)."""
    blp = Blueprint("people", __name__, url_prefix="/people", description="人员视图 / the local view of people")

    @blp.route("/<person_id>")
    class Person(MethodView):
        @blp.response(200, PersonOut)
        def get(self, person_id: str) -> dict[str, Any]:
            """What this service knows of a person from the registry (its local view), in your scope"""
            return people_view.person_in_scope(uow(), table, current_principal(), person_id, unknown)

    return blp
