"""Contracts of the notices partner agencies sent, as the gateway passes them on, each kind on the
topic of its one reader: violations on ``gateway.inbound.v1`` (evaluation, supervision), membership
notices on ``gateway.membership.v1`` (the registry), stability answers on ``gateway.stability.v1``
(the service desk); and of ``gateway.checkpoints.v1``: the signed checkpoints of the disclosure ledger.

The raw ID number never travels: the gateway replaces it with the same HMAC digest
the registry publishes (``id_digest``), so evaluation can match the person.
"""

from marshmallow import Schema, fields

from chassis.contracts.base import EventContract, register
from chassis.topics import GATEWAY_CHECKPOINTS, GATEWAY_INBOUND, GATEWAY_MEMBERSHIP, GATEWAY_STABILITY

PREFIX = "cn.tongxin.gateway.notice."
#: The event types of the gateway's topics, defined once.
VIOLATION_NOTICE = PREFIX + "violation.v1"
VIOLATION_RESCINDED = PREFIX + "violation_rescinded.v1"
MEMBERSHIP_CONFIRMED = PREFIX + "membership_confirmed.v1"
MEMBERSHIP_ENDED = PREFIX + "membership_ended.v1"
#: Public security's answers to a severe stability report (received, handling, closed).
STABILITY_RECEIVED = PREFIX + "stability_received.v1"
STABILITY_HANDLING = PREFIX + "stability_handling.v1"
STABILITY_CLOSED = PREFIX + "stability_closed.v1"
CHECKPOINT = "cn.tongxin.gateway.checkpoint.v1"


class ViolationNotice(Schema):
    notice_id = fields.String(required=True, metadata={"description": "the agency's own id; idempotency key"})
    agency = fields.String(required=True, metadata={"description": "court, public_security, npc, cppcc"})
    id_digest = fields.String(required=True)
    case_reference = fields.String(required=True)
    violation_type = fields.String(required=True)
    occurred_on = fields.Date(required=True)
    authority = fields.String(required=True)
    received_at = fields.DateTime(required=True)


class ViolationRescinded(Schema):
    notice_id = fields.String(required=True)
    agency = fields.String(required=True)
    original_notice_id = fields.String(required=True)
    reason = fields.String(required=True)
    received_at = fields.DateTime(required=True)


register(
    EventContract(
        VIOLATION_NOTICE,
        GATEWAY_INBOUND,
        ViolationNotice,
        "An agency reported a violation of law or discipline (违法违纪).",
    )
)
register(
    EventContract(
        VIOLATION_RESCINDED,
        GATEWAY_INBOUND,
        ViolationRescinded,
        "An agency rescinded an earlier violation notice (e.g. on appeal).",
    )
)


class MembershipNotice(Schema):
    notice_id = fields.String(required=True)
    agency = fields.String(required=True, metadata={"description": "npc or cppcc"})
    id_digest = fields.String(required=True)
    body = fields.String(required=True, metadata={"description": "npc or cppcc"})
    level = fields.String(required=True, metadata={"description": "county, city, province, national"})
    title = fields.String(load_default=None, allow_none=True)
    effective_on = fields.Date(required=True)
    received_at = fields.DateTime(required=True)


register(
    EventContract(
        MEMBERSHIP_CONFIRMED,
        GATEWAY_MEMBERSHIP,
        MembershipNotice,
        "The NPC or the CPPCC confirmed a person's deputyship or membership.",
    )
)
register(
    EventContract(
        MEMBERSHIP_ENDED,
        GATEWAY_MEMBERSHIP,
        MembershipNotice,
        "The NPC or the CPPCC ended a person's deputyship or membership.",
    )
)


class StabilityNotice(Schema):
    notice_id = fields.String(required=True)
    agency = fields.String(required=True, metadata={"description": "public_security"})
    report_id = fields.String(required=True, metadata={"description": "the report of the service desk it answers"})
    case_reference = fields.String(load_default=None, allow_none=True)
    summary = fields.String(load_default=None, allow_none=True, metadata={"description": "the police's short note"})
    received_at = fields.DateTime(required=True)


for _type, _summary in [
    (STABILITY_RECEIVED, "Public security received a severe stability report."),
    (STABILITY_HANDLING, "Public security is handling a severe stability report."),
    (STABILITY_CLOSED, "Public security closed a severe stability report."),
]:
    register(EventContract(_type, GATEWAY_STABILITY, StabilityNotice, _summary))


class CheckpointSignature(Schema):
    alg = fields.String(required=True, metadata={"description": "Ed25519"})
    kid = fields.String(required=True, metadata={"description": "a key of /.well-known/tongxin-feed-keys"})
    value = fields.String(required=True, metadata={"description": "base64url over the canonical JSON"})


class CheckpointCadence(Schema):
    every_entries = fields.Integer(
        required=True, metadata={"description": "the next one after at most this many records"}
    )
    interval_seconds = fields.Integer(
        required=True, metadata={"description": "... or this long after this one, if anything was recorded since"}
    )


class LedgerCheckpoint(Schema):
    position = fields.Integer(required=True, metadata={"description": "the ledger record the checkpoint covers"})
    head_hash = fields.String(required=True, metadata={"description": "that record's chained SHA-256 (hex)"})
    time = fields.DateTime(required=True)
    cadence = fields.Nested(
        CheckpointCadence,
        required=True,
        metadata={"description": "the gateway's signed promise of when the next checkpoint comes"},
    )
    signature = fields.Nested(CheckpointSignature, required=True)


register(
    EventContract(
        CHECKPOINT,
        GATEWAY_CHECKPOINTS,
        LedgerCheckpoint,
        "The gateway signed the disclosure ledger's head (position, hash, time); every agency's feed gets it too.",
    )
)
