"""The data catalogue (共享目录), for agencies (API key) and for staff with a gateway role (JWT):
every field of every event type with its sharing class, sensitivity, legal basis and owner, and
what the policies in force grant of it; exported as JSON or .xlsx for the provincial catalogue."""

from __future__ import annotations

from flask import Response, g
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal, token_optional
from sharing_gateway.entrypoints.api.common import agency_key_or_staff_token, gw
from sharing_gateway.entrypoints.api.schemas import CataloguePage, CatalogueQuery, ExportQuery
from sharing_gateway.service_layer import catalogue

blp = Blueprint("catalogue", __name__, description="共享目录 / data catalogue (API key or staff JWT)")


@blp.route("/catalogue")
class Catalogue(MethodView):
    @token_optional
    @agency_key_or_staff_token
    @blp.arguments(CatalogueQuery, location="query")
    @blp.response(200, CataloguePage)
    def get(self, args):
        """The catalogue's items (event type x field), filtered by `event_type`, `class` and `owner`, in pages
        (`cursor` from `next_cursor`). Agencies (`Authorization: ApiKey …`) see whether their policy in force
        grants each item (`granted`); staff (admin, auditor, gateway_admin) the agencies of their region whose
        policy in force grants it (`granted_to`)"""
        owner_unit = gw().settings.data_owner_unit
        if g.agency is None:
            return catalogue.for_staff(gw().uow, gw().policies, current_principal(), owner_unit, args)
        return catalogue.for_agency(gw().uow, gw().policies, g.agency, owner_unit, args)


@blp.route("/catalogue/export")
class CatalogueExport(MethodView):
    @token_optional
    @agency_key_or_staff_token
    @blp.arguments(ExportQuery, location="query")
    @blp.doc(
        responses={
            "200": {
                "description": "the catalogue as JSON (`owner_unit`, `count`, `items`) or as .xlsx",
                "content": {"application/json": {"schema": {"type": "object"}}, catalogue.XLSX: {}},
            }
        }
    )
    def get(self, args):
        """The whole catalogue for upload to the provincial catalogue: `format=json` or `format=xlsx` (Chinese
        column headers); items only, no grants"""
        body, media_type, name = catalogue.export(gw().settings.data_owner_unit, args["format"])
        return Response(body, mimetype=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})
