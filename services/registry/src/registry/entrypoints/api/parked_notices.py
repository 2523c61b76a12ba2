"""Parked membership notices: the NPC's and CPPCC's notices the registry could not apply, for
county-level admins (re-apply, dismiss) and auditors (read); and their metric."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate
from prometheus_client import Gauge

from chassis.http import current_principal
from registry.entrypoints.api.common import registry
from registry.service_layer import parked_notices

blp = Blueprint("parked_notices", __name__, description="停放的任免通知 / parked membership notices")
#: Refreshed from the database at each scrape of /metrics (the worker parks, the API is scraped).
PARKED = Gauge(
    "tongxin_registry_parked_notices",
    "Membership notices parked and not yet re-applied or dismissed, by why",
    ["why"],
    multiprocess_mode="mostrecent",
)


def refresh_metric() -> None:
    counts = parked_notices.counts(registry().uow)
    for why in sorted({*parked_notices.PARK_REASONS, *counts}):
        PARKED.labels(why).set(counts.get(why, 0))


class ListArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    state = fields.String(load_default="parked", validate=validate.OneOf([*parked_notices.STATES, "all"]))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(validate=validate.Length(max=300))


class NoticeOut(Schema):
    notice_id = fields.String()
    event_type = fields.String()
    kind = fields.String(metadata={"description": "confirmed or ended"})
    agency = fields.String()
    body = fields.String()
    level = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    effective_on = fields.String(allow_none=True)
    why = fields.String(metadata={"description": "unknown_person, unknown_role, agency_not_body, ineligible or stale"})
    received_at = fields.DateTime()
    parked_at = fields.DateTime()
    state = fields.String(metadata={"description": "parked, applied or dismissed"})
    handled_by = fields.String(allow_none=True)
    handled_at = fields.DateTime(allow_none=True)


class NoticePage(Schema):
    items = fields.List(fields.Nested(NoticeOut))
    next_cursor = fields.String(allow_none=True)


class ReapplyIn(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class DismissIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class ActionOut(Schema):
    action = fields.String()
    outcome = fields.String()
    why = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    actor = fields.String()
    at = fields.DateTime()


@blp.route("/parked-notices")
class ParkedNotices(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, NoticePage)
    def get(self, args):
        """Membership notices the registry parked (county-level admins and auditors), oldest first"""
        uow = registry().uow
        return parked_notices.list_parked(uow, current_principal(), args["state"], args["limit"], args.get("cursor"))


@blp.route("/parked-notices/<agency>/<path:notice_id>/reapply")
class Reapply(MethodView):
    @blp.arguments(ReapplyIn)
    @blp.response(200, NoticeOut)
    def post(self, body, agency, notice_id):
        """Run a parked notice through the membership rules again (admin); applied or still parked"""
        return parked_notices.reapply(registry().uow, current_principal(), agency, notice_id, body["note"])


@blp.route("/parked-notices/<agency>/<path:notice_id>/dismiss")
class Dismiss(MethodView):
    @blp.arguments(DismissIn)
    @blp.response(200, NoticeOut)
    def post(self, body, agency, notice_id):
        """Set a parked notice aside for good, with the reason (admin)"""
        return parked_notices.dismiss(registry().uow, current_principal(), agency, notice_id, body["reason"])


@blp.route("/parked-notices/<agency>/<path:notice_id>/actions")
class Actions(MethodView):
    @blp.response(200, ActionOut(many=True))
    def get(self, agency, notice_id):
        """Who re-applied or dismissed a parked notice, when, with what result"""
        return parked_notices.actions_of(registry().uow, current_principal(), agency, notice_id)
