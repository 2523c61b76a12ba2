"""The gateway API's request and response schemas (validated at the edge, documented in OpenAPI)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from chassis.catalogue import DECLARATIONS, SharingClass
from chassis.contracts import UNIT_CODE, all_contracts
from chassis.errors import Bilingual


class FeedQuery(Schema):
    after = fields.Integer(
        load_default=0, validate=validate.Range(min=0, max=2**62), metadata={"description": "last sequence you have"}
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    wait = fields.Integer(
        load_default=0, validate=validate.Range(min=0, max=60), metadata={"description": "long poll, seconds"}
    )


class FeedPage(Schema):
    agency = fields.String()
    entries = fields.List(fields.Dict(), metadata={"description": "signed CloudEvents in sequence order"})
    next_after = fields.Integer(metadata={"description": "pass as `after` next time"})
    head = fields.Integer(metadata={"description": "the feed's last sequence number"})
    paused = fields.Boolean()


NOTICE_BODY = {
    "required": True,
    "description": "A JWS (EdDSA, Ed25519; `kid` names your registered key) whose payload is the notice "
    "as a CloudEvent (`specversion`, `id`, `type` cn.tongxin.notice.<kind>.v1, `source`, `data`).",
    "content": {
        "application/jose": {"schema": {"type": "string", "description": "compact serialization"}},
        "application/jose+json": {
            "schema": {
                "type": "object",
                "required": ["protected", "payload", "signature"],
                "properties": {k: {"type": "string"} for k in ("protected", "payload", "signature")},
            }
        },
    },
}


class AgencyOut(Schema):
    code = fields.String()
    name = fields.String()
    policy_version = fields.String()
    last_seq = fields.Integer()
    acked_seq = fields.Integer()
    lag = fields.Integer()
    held = fields.Integer()
    paused = fields.Boolean()
    paused_reason = fields.String(allow_none=True)
    policy_awaiting = fields.String(
        allow_none=True, metadata={"description": "a deployed policy version not yet approved (events are held)"}
    )


class AdminRequestOut(Schema):
    id = fields.String()
    data_request_id = fields.String(allow_none=True, metadata={"description": "grant_data: the agency's data request"})
    action = fields.String(
        metadata={
            "description": "issue_key, revoke_key, activate_policy, register_notice_key, retire_notice_key, grant_data"
        }
    )
    public_key = fields.String(allow_none=True, metadata={"description": "a notice key to register or retire"})
    key_id = fields.String(
        allow_none=True, metadata={"description": "an API key's public id: the one to revoke, or the one issued"}
    )
    agency = fields.String()
    policy_version = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "pending or approved"})
    requested_by = fields.String()
    requested_at = fields.DateTime()
    approved_by = fields.String(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)


class ApprovalOut(AdminRequestOut):
    api_key = fields.String(metadata={"description": "issue_key only: the new key, shown once"})
    older_keys_expire_in_days = fields.Integer()
    kid = fields.String(metadata={"description": "notice keys only: the registered or retired key's id"})


class NoticeKeyIn(Schema):
    jwk = fields.Dict(
        required=True, metadata={"description": "the agency's Ed25519 public key: {kty: OKP, crv: Ed25519, x}"}
    )


class PauseIn(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class LedgerQuery(Schema):
    agency = fields.String(load_default=None)
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**62))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class CatalogueQuery(Schema):
    event_type = fields.String(
        validate=validate.OneOf(
            sorted(c.type for c in all_contracts()), error=Bilingual("unknown event type", "未知的事件类型")
        ),
        metadata={"description": "only this event type's fields"},
    )
    sharing = fields.String(
        data_key="class",
        validate=validate.OneOf(
            [c.value for c in SharingClass],
            error=Bilingual("class must be one of: {choices}", "共享类型须为 unconditional、conditional 或 not_shared"),
        ),
        metadata={"description": "unconditional (无条件共享), conditional (有条件共享) or not_shared (不予共享)"},
    )
    owner = fields.String(
        validate=validate.OneOf(
            sorted({d.owner.service for d in DECLARATIONS}),
            error=Bilingual("unknown owner; one of: {choices}", "未知的数据提供部门，须为：{choices}"),
        ),
        metadata={"description": "the producing service: registry, evaluation, servicedesk, sharing-gateway"},
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    cursor = fields.String(metadata={"description": "`next_cursor` of the previous page"})


class CatalogueOwner(Schema):
    service = fields.String()
    unit_code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()


class CatalogueItem(Schema):
    event_type = fields.String()
    field = fields.String()
    topic = fields.String()
    sharing = fields.String(
        attribute="class", data_key="class", metadata={"description": "unconditional, conditional or not_shared"}
    )
    class_label = fields.String(metadata={"description": "无条件共享, 有条件共享 or 不予共享"})
    sensitivity = fields.String(metadata={"description": "sensitive, may_hold_sensitive_values or ordinary"})
    sensitivity_label = fields.String()
    legal_basis = fields.String()
    owner = fields.Nested(CatalogueOwner)
    name_zh = fields.String()
    name_en = fields.String()
    description_zh = fields.String()
    description_en = fields.String()
    granted = fields.Boolean(metadata={"description": "agencies: whether your policy in force grants it"})
    granted_to = fields.List(
        fields.String(), metadata={"description": "staff: the agencies of your region whose policy in force grants it"}
    )


class CataloguePage(Schema):
    items = fields.List(fields.Nested(CatalogueItem))
    next_cursor = fields.String(allow_none=True)
    total = fields.Integer(metadata={"description": "items matching the filters"})


class ExportQuery(Schema):
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(
            ["json", "xlsx"], error=Bilingual("format must be json or xlsx", "导出格式须为 json 或 xlsx")
        ),
    )


EVENT_TYPE = validate.OneOf(
    sorted(c.type for c in all_contracts()), error=Bilingual("unknown event type", "未知的事件类型")
)


class RequestedItem(Schema):
    event = fields.String(required=True, validate=EVENT_TYPE, metadata={"description": "a catalogue event type"})
    fields_ = fields.List(
        fields.String(validate=validate.Length(min=1, max=60)),
        data_key="fields",
        attribute="fields",
        required=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "catalogue fields of that event type"},
    )


class DataRequestIn(Schema):
    items = fields.List(fields.Nested(RequestedItem), required=True, validate=validate.Length(min=1, max=30))
    purpose = fields.String(required=True, validate=validate.Length(min=2, max=300))
    legal_basis = fields.String(required=True, validate=validate.Length(min=2, max=300))
    region = fields.String(
        required=True,
        validate=UNIT_CODE,
        metadata={"description": "an admin-unit subtree inside your policy's region (at most the city's)"},
    )
    ends_on = fields.Date(required=True, metadata={"description": "the last day you need the data (at most a year)"})


class InformationIn(Schema):
    information = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class QuestionIn(Schema):
    question = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class DecisionIn(Schema):
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(
            ["approve", "narrow", "refuse"],
            error=Bilingual("must be one of: {choices}", "须为 approve、narrow 或 refuse"),
        ),
    )
    items = fields.List(
        fields.Nested(RequestedItem), metadata={"description": "narrow: the items granted (a subset of those asked)"}
    )
    region = fields.String(
        validate=UNIT_CODE,
        metadata={"description": "narrow: a region inside the one asked for"},
    )
    ends_on = fields.Date(metadata={"description": "narrow: an end no later than the one asked for"})
    reason_zh = fields.String(
        validate=validate.Length(min=2, max=1000), metadata={"description": "refuse: the reason, in Chinese"}
    )


class DataRequestOut(Schema):
    id = fields.String()
    agency = fields.String()
    state = fields.String(metadata={"description": "submitted, reviewed, waiting, proposed, granted or refused"})
    items = fields.List(fields.Dict(), metadata={"description": "conditional items awaiting the answer"})
    granted_at_once = fields.List(fields.Dict(), metadata={"description": "unconditional items, granted on applying"})
    already_granted = fields.List(fields.Dict(), metadata={"description": "items your policy in force already sends"})
    purpose = fields.String()
    legal_basis = fields.String()
    region = fields.String()
    ends_on = fields.Date()
    reviewed = fields.Boolean()
    due_at = fields.DateTime(
        allow_none=True, metadata={"description": "when the deadline now running (review, then answer) runs out"}
    )
    working_days_used = fields.Float()
    escalated = fields.List(fields.String(), metadata={"description": "deadlines missed: review, answer"})
    question = fields.String(allow_none=True)
    information = fields.String(allow_none=True)
    decision = fields.Dict(allow_none=True, metadata={"description": "outcome, items, region, ends_on or reason_zh"})
    admin_request_id = fields.String(allow_none=True, metadata={"description": "the approval awaiting a second admin"})
    submitted_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
