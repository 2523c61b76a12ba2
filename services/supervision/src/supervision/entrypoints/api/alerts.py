"""The alerts as a task list per unit, and their acknowledgement by the staff who take them up."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from supervision.entrypoints.api.common import supervision, uow
from supervision.entrypoints.api.schemas import AcknowledgeIn, AlertListOut, AlertOut, AlertQuery
from supervision.service_layer import alert_tasks

blp = Blueprint("alerts", __name__, description="督查预警 / supervision alerts")


@blp.route("/alerts")
class Alerts(MethodView):
    @blp.arguments(AlertQuery, location="query")
    @blp.response(200, AlertListOut)
    def get(self, args):
        """The alerts of a unit and its subtree, open or cleared, newest first"""
        principal = current_principal()
        unit = args["unit"] or principal.unit
        return alert_tasks.task_list(uow(), principal, unit, args["state"], args["limit"], args["cursor"])


@blp.route("/alerts/<alert_id>/acknowledge")
class Acknowledge(MethodView):
    @blp.arguments(AcknowledgeIn)
    @blp.response(200, AlertOut)
    def post(self, args, alert_id):
        """Acknowledge an open alert of your subtree: who, when and a note are kept (editor)"""
        sv = supervision()
        return alert_tasks.acknowledge(uow(), current_principal(), alert_id, args["note"], sv.clock())
