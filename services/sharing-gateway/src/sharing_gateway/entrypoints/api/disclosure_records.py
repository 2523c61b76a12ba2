"""A person's disclosure record for auditors (``service_layer.disclosure_lookup``): every disclosure
to an agency and every reveal or export of their sensitive data, newest first, and the same as a
signed, printable report. Every look-up is recorded, failed ones too. Finding a person by ID number
is a POST: the number never appears in a URL, hence in no access log; and it is rate-limited per
member of staff, as an oracle of who is in the registry must not answer at machine speed."""

from __future__ import annotations

import datetime as dt
import json

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, post_load, validate

from chassis.errors import Bilingual
from chassis.http import current_principal
from chassis.http.limits import app_limiter
from sharing_gateway.adapters.tables import rate_windows
from sharing_gateway.entrypoints.api.common import gw
from sharing_gateway.service_layer import disclosure_lookup, disclosure_report

blp = Blueprint(
    "disclosure_records", __name__, description="个人信息披露记录 / a person's disclosure record (auditors)"
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The response header that carries the report's detached signature (compact JSON: alg, kid, value).
SIGNATURE_HEADER = "Tongxin-Report-Signature"
#: Look-ups by ID number a member of staff may make per minute (a person's record is read by hand).
ID_NUMBER_LOOKUPS_PER_MINUTE = 10
REFUSALS = [(403, "FORBIDDEN"), (404, "NOT_FOUND")]
WITHHELD_ROWS = (
    "rows within the filters about agencies outside the caller's subtree: an auditor at their level answers for them"
)


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
        validate=validate.OneOf(["xlsx"], error=Bilingual("only the xlsx format is available", "仅支持 xlsx 格式")),
    )


class IdNumberLookup(Schema):
    id_number = fields.String(required=True, validate=validate.Length(max=40))


class PersonOut(Schema):
    person_id = fields.String()
    name_masked = fields.String()
    unit_code = fields.String()
    record_ids = fields.List(
        fields.String(), metadata={"description": "every record id of the person (archived, merged) the record covers"}
    )


class DisclosureOut(Schema):
    person_id = fields.String(metadata={"description": "which of the person's record ids the row is about"})
    kind = fields.String(metadata={"description": "disclosure (to an agency); reveal, export (in the department)"})
    at = fields.String(metadata={"description": "ISO 8601, UTC"})
    agency = fields.String(allow_none=True)
    event_type = fields.String()
    fields_ = fields.List(
        fields.String(), data_key="fields", attribute="fields", metadata={"description": "names, never values"}
    )
    sensitive = fields.Boolean()
    purpose = fields.String(allow_none=True)
    field_purposes = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True)
    legal_basis = fields.String(allow_none=True)
    policy_version = fields.String(allow_none=True)
    ledger_position = fields.Integer(allow_none=True)
    sequence = fields.Integer(allow_none=True)
    actor = fields.String(allow_none=True, metadata={"description": "reveal, export: the staff user's subject id"})
    actor_unit = fields.String(allow_none=True)


class DisclosurePage(Schema):
    person = fields.Nested(PersonOut)
    items = fields.List(fields.Nested(DisclosureOut))
    withheld = fields.Integer(metadata={"description": WITHHELD_ROWS})
    next_cursor = fields.String(allow_none=True)


class PersonFound(Schema):
    person_id = fields.String(metadata={"description": "the active record (else the newest archived one)"})
    record_ids = fields.List(fields.String(), metadata={"description": "every record holding the number"})


def refusals(view):
    """The 403 and 404 answers every disclosure endpoint may give (problem+json)."""
    for status, name in REFUSALS:
        view = blp.alt_response(status, response=name)(view)
    return view


@blp.route("/people/<person_id>/disclosures")
class PersonDisclosures(MethodView):
    @blp.arguments(RecordQuery, location="query")
    @blp.response(200, DisclosurePage)
    @refusals
    def get(self, args, person_id):
        """A person's disclosure record, newest first.

        Auditors of a unit covering the person; recorded. Time, agency, event type, fields sent (names),
        purpose, legal basis, policy version, ledger position, feed sequence; and reveals and exports of
        their sensitive data inside the department. Rows about agencies outside the caller's subtree are
        counted in `withheld`, not listed."""
        g = gw()
        return disclosure_lookup.page(
            g.uow, current_principal(), g.policies, person_id, args["filters"], args["limit"], args["cursor"]
        )


@blp.route("/people/<person_id>/disclosures/report")
class PersonDisclosureReport(MethodView):
    @blp.arguments(ReportQuery, location="query")
    @blp.response(
        200,
        content_type=XLSX,
        headers={
            SIGNATURE_HEADER: {
                "description": "the report's detached signature (compact JSON: alg, kid, value, sha256, person_id, "
                "period, generated_at, generated_by); save it as the .sig file",
                "schema": {"type": "string"},
            }
        },
    )
    @refusals
    def get(self, args, person_id):
        """The record as a printable, signed report in Chinese (.xlsx).

        The detached Ed25519 signature covers the file's SHA-256, the person, the period, when and by whom;
        it is in the `Tongxin-Report-Signature` header (save it as the .sig file;
        `gateway-admin verify-report FILE SIG` checks it and prints what it vouches for)."""
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
    @blp.response(200, PersonFound)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @refusals
    def post(self, body):
        """Find a person by ID number, to read their disclosure record.

        Auditors; recorded (a failed look-up by the digest key's id alone); at most
        `ID_NUMBER_LOOKUPS_PER_MINUTE` (10) a minute per member of staff. The number is turned into the
        registry's digest and never stored or logged."""
        g = gw()
        principal = current_principal()
        app_limiter("id-number-lookups", g.engine, rate_windows, ID_NUMBER_LOOKUPS_PER_MINUTE).hit(
            f"staff:{principal.subject}"
        )
        return disclosure_lookup.find_by_id_number(g.uow, principal, g.settings.id_digest_keys(), body["id_number"])
