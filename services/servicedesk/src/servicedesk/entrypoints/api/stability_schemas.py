"""The schemas of the stability reports API (validated at the edge, documented in OpenAPI).

The category is marked sensitive in the documents (``x-sensitive``): ethnic and religious
matters are sensitive personal information by implication, so it never leaves in an event."""

from __future__ import annotations

import datetime as dt

from marshmallow import Schema, fields, validate

from servicedesk.domain import stability
from servicedesk.entrypoints.api.common import UNIT
from servicedesk.service_layer.stability import POLICE_SUMMARY_LIMIT
from servicedesk.service_layer.stability_search import EXPORT_FIELDS

#: Times a report can be about: anything else is a typing error (and year 1 or 9999 in another zone
#: would not even convert to UTC).
PLAUSIBLE_TIME = validate.Range(
    min=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
    max=dt.datetime(2100, 1, 1, tzinfo=dt.UTC),
    error="须在2000年至2100年之间 / must lie between 2000 and 2100",
)
SENSITIVE_CATEGORY = {
    "x-sensitive": True,
    "description": "ethnic, religious, labour_dispute, petition or gathering: sensitive (ethnic and religious "
    "matters); never in an event, a log or public security's feed",
}


class StabilityReportIn(Schema):
    unit_code = fields.String(required=True, validate=UNIT, metadata={"description": "where it happens"})
    place = fields.String(required=True, validate=validate.Length(min=2, max=200))
    occurred_at = fields.AwareDateTime(
        required=True, validate=PLAUSIBLE_TIME, metadata={"description": "ISO 8601 with its offset"}
    )
    category = fields.String(required=True, validate=validate.OneOf(stability.CATEGORIES), metadata=SENSITIVE_CATEGORY)
    severity = fields.String(required=True, validate=validate.OneOf(stability.SEVERITIES))
    summary = fields.String(required=True, validate=validate.Length(min=2, max=5000))
    police_summary = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=POLICE_SUMMARY_LIMIT),
        metadata={"description": "required when severe: what public security needs (what, where exactly, how "
                  "many), without names; ID and phone numbers are masked whatever is typed"},
    )  # fmt: skip
    person_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=36)),
        load_default=list,
        validate=validate.Length(max=200),
        metadata={"description": "registered people involved (registry person ids, in your scope): references only"},
    )
    others_count = fields.Integer(
        load_default=0, validate=validate.Range(min=0, max=100000), metadata={"description": "others, counted"}
    )


class StabilityEscalationIn(Schema):
    severity = fields.String(required=True, validate=validate.OneOf(stability.SEVERITIES))
    police_summary = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=POLICE_SUMMARY_LIMIT),
        metadata={"description": "required when raised to severe, as when reporting"},
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class StabilityMoveIn(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class StabilityTimelineOut(Schema):
    at = fields.DateTime()
    actor = fields.String(metadata={"description": "a staff subject id, or agency:<code> for a notice"})
    action = fields.String()
    from_state = fields.String(allow_none=True)
    to_state = fields.String()
    note = fields.String(allow_none=True)


class StabilityReportSummary(Schema):
    id = fields.String()
    unit_code = fields.String()
    place = fields.String()
    occurred_at = fields.DateTime()
    category = fields.String(metadata=SENSITIVE_CATEGORY)
    severity = fields.String()
    summary = fields.String()
    police_summary = fields.String(allow_none=True)
    person_ids = fields.List(fields.String())
    others_count = fields.Integer()
    people_involved = fields.Integer()
    state = fields.String()
    allowed_moves = fields.List(fields.String())
    reported_by = fields.String()
    reported_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    shared_at = fields.DateTime(allow_none=True, metadata={"description": "when it went to public security"})
    police_reference = fields.String(allow_none=True)
    version = fields.Integer()


class StabilityReportOut(StabilityReportSummary):
    timeline = fields.List(fields.Nested(StabilityTimelineOut))


class StabilityQuery(Schema):
    state = fields.String(validate=validate.OneOf(stability.STATES))
    severity = fields.String(validate=validate.OneOf(stability.SEVERITIES))
    category = fields.String(validate=validate.OneOf(stability.CATEGORIES))
    unit = fields.String(validate=UNIT, metadata={"description": "a unit subtree inside yours"})
    since = fields.AwareDateTime(validate=PLAUSIBLE_TIME, metadata={"description": "happened at or after"})
    until = fields.AwareDateTime(validate=PLAUSIBLE_TIME, metadata={"description": "happened before"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None)


class StabilityReportPage(Schema):
    items = fields.List(fields.Nested(StabilityReportSummary))
    next_cursor = fields.String(allow_none=True)


class StabilityExportQuery(StabilityQuery):
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


#: One row of the export: the columns of ``EXPORT_FIELDS`` (times in ISO 8601; people as a count).
ExportRow = Schema.from_dict({f: fields.Raw(allow_none=True) for f in EXPORT_FIELDS}, name="StabilityExportRow")


class StabilityExportPage(Schema):
    format = fields.String(metadata={"description": "tongxin.stability-export.v1"})
    generated_at = fields.DateTime()
    items = fields.List(fields.Nested(ExportRow))
    next_cursor = fields.String(allow_none=True)
