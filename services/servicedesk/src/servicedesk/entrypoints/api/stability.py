"""Stability reports (涉稳信息反馈): report, list, read with the timeline, move on, export for the
emergency-command system (JSON or CSV, a page at a time)."""

from __future__ import annotations

import csv
import io

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.http import current_principal
from servicedesk.domain import stability as rules
from servicedesk.entrypoints.api.common import now, uow
from servicedesk.entrypoints.api.stability_schemas import (
    StabilityEscalationIn,
    StabilityExportPage,
    StabilityExportQuery,
    StabilityMoveIn,
    StabilityQuery,
    StabilityReportIn,
    StabilityReportOut,
    StabilityReportPage,
)
from servicedesk.service_layer import stability, stability_search

blp = Blueprint("stability", __name__, description="涉稳信息反馈 / stability reports")
#: The export answers in JSON (the page with its cursor) or CSV (the rows; the cursor in a header).
EXPORT_RESPONSE = {
    "description": "a page of the export (tongxin.stability-export.v1)",
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/StabilityExportPage"}},
        "text/csv": {"schema": {"type": "string"}},
    },
    "headers": {"X-Next-Cursor": {"description": "CSV: the cursor of the next page", "schema": {"type": "string"}}},
}


@blp.route("/stability-reports")
class Reports(MethodView):
    @blp.arguments(StabilityReportIn)
    @blp.response(201, StabilityReportOut)
    def post(self, body):
        """Report a stability matter in your scope; a severe one also goes to public security's feed
        (where, when, how many and the police summary; never the category or who)"""
        report_id = stability.report(uow(), current_principal(), body, now())
        return stability.view(uow(), current_principal(), report_id)

    @blp.arguments(StabilityQuery, location="query")
    @blp.response(200, StabilityReportPage)
    def get(self, args):
        """Reports in your scope, newest first; filter by state, severity, category, unit and time"""
        limit, cursor = args.pop("limit"), args.pop("cursor")
        return stability_search.search(uow(), current_principal(), args, limit, cursor)


@blp.route("/stability-reports/export")
class Export(MethodView):
    @blp.arguments(StabilityExportQuery, location="query")
    @blp.response(200, StabilityExportPage)
    @blp.doc(responses={"200": EXPORT_RESPONSE})
    def get(self, args):
        """A page of the export for the emergency-command system (``format=json`` or ``csv``; CSV gives
        the next page's cursor in the ``X-Next-Cursor`` header); every page is recorded"""
        limit, cursor = args.pop("limit"), args.pop("cursor")
        page = stability_search.export(uow(), current_principal(), args, limit, cursor, now())
        if args["format"] == "csv":
            headers = {"Content-Disposition": 'attachment; filename="stability-reports.csv"'}
            if page["next_cursor"]:
                headers["X-Next-Cursor"] = page["next_cursor"]
            return Response(_csv(page["items"]), mimetype="text/csv", headers=headers)
        return page


@blp.route("/stability-reports/<report_id>")
class Report(MethodView):
    @blp.response(200, StabilityReportOut)
    def get(self, report_id):
        """One report with its timeline (who, when, what), public security's notices included"""
        return stability.view(uow(), current_principal(), report_id)


@blp.route("/stability-reports/<report_id>/escalation")
class Escalation(MethodView):
    @blp.arguments(StabilityEscalationIn)
    @blp.response(200, StabilityReportOut)
    def post(self, body, report_id):
        """Raise an open report's severity (never lower it); raised to severe, it goes to public
        security's feed then (409 for a closed report or a severity that is not higher)"""
        return stability.escalate(uow(), current_principal(), report_id, body, now())


@blp.route(f"/stability-reports/<report_id>/<any({','.join(rules.MOVES)}):action>")
class Move(MethodView):
    @blp.arguments(StabilityMoveIn)
    @blp.response(200, StabilityReportOut)
    def post(self, body, report_id, action):
        """Take a report in hand (handle) or close it (close, with a note on how it ended); an
        illegal move is 409 with the allowed ones"""
        return stability.move(uow(), current_principal(), report_id, action, body, now())


def _csv(items: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=stability_search.EXPORT_FIELDS)
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in item.items()} for item in items)
    return out.getvalue()


def _cell(value):
    """A cell a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value
