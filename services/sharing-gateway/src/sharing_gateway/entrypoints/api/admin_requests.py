"""Gateway admins' requests waiting for a second admin, and their approval (separated duties).
Every read shows only the agencies whose policy region lies in the caller's unit's subtree
(``agencies.visible``)."""

from __future__ import annotations

import datetime as dt

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from sharing_gateway.entrypoints.api.common import gw
from sharing_gateway.entrypoints.api.schemas import AdminRequestOut, ApprovalOut
from sharing_gateway.service_layer import administration

blp = Blueprint("admin_requests", __name__, description="双人审批 / second-admin approvals (staff JWT)")


@blp.route("/admin-requests")
class PendingRequests(MethodView):
    @blp.response(200, AdminRequestOut(many=True))
    def get(self):
        """Requests waiting for a second gateway admin"""
        return administration.pending(gw().uow, gw().policies, current_principal())


@blp.route("/admin-requests/<request_id>/approve")
class Approve(MethodView):
    @blp.response(200, ApprovalOut)
    def post(self, request_id):
        """Approve another gateway admin's request: the key is issued (shown once) or the policy comes into force"""
        overlap = gw().settings.key_overlap_days
        done = administration.approve(
            gw().uow, gw().delivery, current_principal(), request_id, dt.timedelta(days=overlap), gw().calendar
        )
        return {**done, "older_keys_expire_in_days": overlap} if "api_key" in done else done
