"""A person's disclosure record for auditors (``service_layer.disclosure_lookup``): every disclosure
to an agency and every reveal or export of their sensitive data, newest first, and the same as a
signed, printable report. Every look-up is recorded. Finding a person by ID number is a POST: the
number never appears in a URL, hence in no access log."""

from __future__ import annotations

import datetime as dt
import json

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, post_load, validate

from chassis.http import current_principal
from sharing_gateway.entrypoints.api.common import gw
from sharing_gateway.service_layer import disclosure_lookup, disclosure_report

blp = Blueprint(
    "disclosure_records", __name__, description="个人信息披露记录 / a person's disclosure record (auditors)"
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The response header that carries the report's detached signature (compact JSON: alg, kid, value).
SIGNATURE_HEADER = "Tongxin-Report-Signature"


class RecordFilters(Schema):
    agency = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    since = fields.AwareDateTime(
        load_default=None, default_timezone=dt.UTC, metadata={"description": "ISO 8601; without an offset, UTC"}
    )
    until = fields.AwareDateTime(load_default=None, default_timezone=dt.UTC, metadata={"description": "exclusive"})

    @post_load
    def filters(self, data, **_):
        extra = {k: data.pop(k) for k in ("limit", "cursor", "format") if k in data}
        return {"filters": disclosure_lookup.Filters(**data), **extra}


class RecordQuery(RecordFilters):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, validate=validate.Length(max=200))


class ReportQuery(RecordFilters):
    format = fields.String(
        load_default="xlsx",
        validate=validate.OneOf(["xlsx"], error="仅支持 xlsx 格式 / only the xlsx format is available"),
    )


class IdNumberLookup(Schema):
    id_number = fields.String(required=True, validate=validate.Length(max=40))


@blp.route("/people/<person_id>/disclosures")
class PersonDisclosures(MethodView):
    @blp.arguments(RecordQuery, location="query")
    @blp.response(200)
    def get(self, args, person_id):
        """A person's disclosure record, newest first (auditors of a unit covering the person; recorded): time,
        agency, event type, fields sent (names), purpose, legal basis, policy version, ledger position, feed
        sequence; and reveals and exports of their sensitive data inside the department"""
        return disclosure_lookup.page(
            gw().uow, current_principal(), person_id, args["filters"], args["limit"], args["cursor"]
        )


@blp.route("/people/<person_id>/disclosures/report")
class PersonDisclosureReport(MethodView):
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200, content_type=XLSX)
    def get(self, args, person_id):
        """The record as a printable report in Chinese (.xlsx), signed: the detached Ed25519 signature over the
        file's bytes is in the `Tongxin-Report-Signature` header (save it as the .sig file;
        `gateway-admin verify-report FILE SIG` checks it)"""
        g = gw()
        report = disclosure_report.generate(
            g.uow, g.signer, g.policies, current_principal(), person_id, args["filters"]
        )
        signature = json.dumps(report.signature, separators=(",", ":"), sort_keys=True)
        headers = {
            "Content-Disposition": f'attachment; filename="{report.filename}"',
            SIGNATURE_HEADER: signature,
        }
        return Response(report.content, mimetype=XLSX, headers=headers)


@blp.route("/people/disclosures/by-id-number")
class PersonByIdNumber(MethodView):
    @blp.arguments(IdNumberLookup)
    @blp.response(200)
    def post(self, body):
        """Find the person whose disclosure record to read by ID number (auditors; recorded; the number is turned
        into the registry's digest and never stored or logged): `{"person_id": ...}`"""
        g = gw()
        return disclosure_lookup.find_by_id_number(
            g.uow, current_principal(), g.settings.id_digest_keys(), body["id_number"]
        )
