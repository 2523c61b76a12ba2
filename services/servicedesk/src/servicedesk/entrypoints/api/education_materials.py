"""Study materials (学习材料): staff write, publish and withdraw articles, documents and video links."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from servicedesk.entrypoints.api.common import now, uow
from servicedesk.entrypoints.api.education_schemas import MaterialIn, MaterialOut, MaterialPage, MaterialQuery
from servicedesk.service_layer import education_materials

blp = Blueprint("education_materials", __name__, description="学习材料 / study materials")


@blp.route("/education/materials")
class Materials(MethodView):
    @blp.arguments(MaterialQuery, location="query")
    @blp.response(200, MaterialPage)
    def get(self, args):
        """Materials of your scope, and those published to a unit above you, newest first"""
        return education_materials.search(uow(), current_principal(), args, args["limit"], args["cursor"])

    @blp.arguments(MaterialIn)
    @blp.response(201, MaterialOut)
    def post(self, body):
        """Write a material (a draft): an article's text, or a document's or video's https link"""
        return education_materials.create(uow(), current_principal(), body, now())


@blp.route("/education/materials/<material_id>")
class Material(MethodView):
    @blp.response(200, MaterialOut)
    def get(self, material_id):
        """One material"""
        return education_materials.get(uow(), current_principal(), material_id)


@blp.route("/education/materials/<material_id>/<any(publish,withdraw):action>")
class MaterialMove(MethodView):
    @blp.response(200, MaterialOut)
    def post(self, material_id, action):
        """publish a draft to its unit's subtree, or withdraw a published material"""
        return education_materials.move(uow(), current_principal(), material_id, action, now())
