"""What agencies' notices contain: the types they sign, the data schema of each kind, and the
event each kind becomes on ``gateway.inbound.v1`` (``notices`` checks a notice against them).

Public security answers a severe stability report it received in its feed (received, handling,
closed) by the report's id; the service desk applies the answer to the report (``KEYED_BY``: one
report's notices keep their order on one partition)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from chassis.contracts.gateway import (
    MEMBERSHIP_CONFIRMED,
    MEMBERSHIP_ENDED,
    STABILITY_CLOSED,
    STABILITY_HANDLING,
    STABILITY_RECEIVED,
    VIOLATION_NOTICE,
    VIOLATION_RESCINDED,
)

#: The notice types agencies send (the CloudEvent ``type`` they sign), each with its kind.
NOTICE_TYPES = {
    "cn.tongxin.notice.violation.v1": "violation",
    "cn.tongxin.notice.violation_rescinded.v1": "violation_rescinded",
    "cn.tongxin.notice.membership_confirmed.v1": "membership_confirmed",
    "cn.tongxin.notice.membership_ended.v1": "membership_ended",
    "cn.tongxin.notice.stability_received.v1": "stability_received",
    "cn.tongxin.notice.stability_handling.v1": "stability_handling",
    "cn.tongxin.notice.stability_closed.v1": "stability_closed",
}
#: What each kind of notice becomes on ``gateway.inbound.v1``.
INBOUND = {
    "violation": VIOLATION_NOTICE,
    "violation_rescinded": VIOLATION_RESCINDED,
    "membership_confirmed": MEMBERSHIP_CONFIRMED,
    "membership_ended": MEMBERSHIP_ENDED,
    "stability_received": STABILITY_RECEIVED,
    "stability_handling": STABILITY_HANDLING,
    "stability_closed": STABILITY_CLOSED,
}
#: The data field whose value keys a kind's inbound event (default: the ID digest, else the notice id).
KEYED_BY = {kind: "report_id" for kind in ("stability_received", "stability_handling", "stability_closed")}


class ViolationData(Schema):
    id_number = fields.String(required=True, metadata={"description": "18-digit resident ID number"})
    case_reference = fields.String(required=True, validate=validate.Length(min=1, max=200))
    violation_type = fields.String(required=True, validate=validate.Length(min=1, max=100))
    occurred_on = fields.Date(required=True)
    authority = fields.String(required=True, validate=validate.Length(min=1, max=200))


class RescindedData(Schema):
    original_notice_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))


class MembershipData(Schema):
    id_number = fields.String(required=True)
    body = fields.String(required=True, validate=validate.OneOf(["npc", "cppcc"]))
    level = fields.String(required=True, validate=validate.OneOf(["county", "city", "province", "national"]))
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    effective_on = fields.Date(required=True)


class StabilityData(Schema):
    report_id = fields.UUID(required=True, metadata={"description": "the report_id of the feed entry answered"})
    case_reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))
    summary = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class NoticeEnvelope(Schema):
    """The CloudEvent inside the JWS."""

    specversion = fields.String(required=True, validate=validate.Equal("1.0"))
    # With the agency's code the id stays within the 64 characters a feed entry's event id has.
    id = fields.String(required=True, validate=validate.Length(min=1, max=40))
    type = fields.String(required=True)
    source = fields.String(required=True, validate=validate.Length(min=1, max=200))
    time = fields.String(load_default=None)
    datacontenttype = fields.String(load_default="application/json")
    data = fields.Dict(required=True)


KINDS = {
    "violation": ViolationData,
    "violation_rescinded": RescindedData,
    "membership_confirmed": MembershipData,
    "membership_ended": MembershipData,
    "stability_received": StabilityData,
    "stability_handling": StabilityData,
    "stability_closed": StabilityData,
}
