"""The deployed sharing policies: what each agency receives, why and on what legal basis.
Every read shows only the agencies whose policy region lies in the caller's unit's subtree
(``agencies.visible``)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from sharing_gateway.entrypoints.api.common import gw
from sharing_gateway.service_layer import agencies as agency_service

blp = Blueprint("policies", __name__, description="共享策略 / sharing policies (staff JWT)")


@blp.route("/policies")
class Policies(MethodView):
    @blp.response(200)
    def get(self):
        """The deployed policies of the agencies in your region: version, purpose, legal basis, region, audience,
        grants"""
        return [
            {
                "agency": p.agency,
                "version": p.version_label,
                "purpose": p.purpose,
                "legal_basis": p.legal_basis,
                "region": p.region,
                "audience": p.audience if isinstance(p.audience, str) else {"body": p.audience[1]},
                "notice_types": list(p.notice_types),
                "shares": [
                    {
                        "event": s.event,
                        "fields": list(s.fields),
                        "transforms": dict(s.transforms),
                        "purposes": dict(s.purposes),
                    }
                    for s in p.shares.values()
                ],
            }
            for p in agency_service.visible(current_principal(), gw().policies).values()
        ]
