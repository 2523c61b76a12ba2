"""The catalogue of the gateway's own topics. ``gateway.inbound.v1``, ``gateway.membership.v1`` and
``gateway.stability.v1``: notices partner agencies sent (violations; the NPC's and CPPCC's membership
notices; public security's answers to stability reports); the data is theirs and goes to its one
reader (evaluation, the registry, the service desk), so nothing of it is shared on.
``gateway.checkpoints.v1``: the signed heads of the disclosure ledger, which every agency holds."""

from __future__ import annotations

from chassis.catalogue.bases import AGENCY_OWNED, not_shared, unconditional
from chassis.catalogue.model import Owner, TopicDeclaration
from chassis.contracts import gateway as events
from chassis.topics import GATEWAY_CHECKPOINTS, GATEWAY_INBOUND, GATEWAY_MEMBERSHIP, GATEWAY_STABILITY

GATEWAY = Owner("sharing-gateway", "统战部 信息共享网关", "United Front Work Department, sharing gateway")

#: Every field an agency's notice carries: the agency's data, shared with no one.
_NOTICE_FIELDS = {
    f: not_shared(zh, en, AGENCY_OWNED)
    for f, zh, en in [
        ("notice_id", "通报编号", "notice id"),
        ("agency", "报送机关", "reporting agency"),
        ("id_digest", "身份证号码摘要", "keyed digest of the ID number"),
        ("case_reference", "案件编号", "case reference"),
        ("violation_type", "违法违纪类型", "violation type"),
        ("occurred_on", "发生日期", "occurred on"),
        ("authority", "作出机关", "authority"),
        ("received_at", "接收时间", "received at"),
        ("original_notice_id", "原通报编号", "original notice id"),
        ("reason", "撤销原因", "reason"),
        ("body", "机构", "body"),
        ("level", "层级", "level"),
        ("title", "职务", "title"),
        ("effective_on", "生效日期", "effective on"),
        ("report_id", "涉稳信息编号", "stability report id"),
        ("summary", "处置情况说明", "the agency's note on its handling"),
    ]
}


def _notices(topic: str, names: dict[str, str], carried: tuple[str, ...]) -> TopicDeclaration:
    return TopicDeclaration(topic=topic, owner=GATEWAY, event_names_zh=names,
                            fields={f: _NOTICE_FIELDS[f] for f in carried})  # fmt: skip


_COMMON = ("notice_id", "agency", "received_at")
INBOUND = _notices(
    GATEWAY_INBOUND,
    {events.VIOLATION_NOTICE: "违法违纪通报", events.VIOLATION_RESCINDED: "撤销违法违纪通报"},
    (*_COMMON, "id_digest", "case_reference", "violation_type", "occurred_on", "authority", "original_notice_id",
     "reason"),
)  # fmt: skip
MEMBERSHIP = _notices(
    GATEWAY_MEMBERSHIP,
    {events.MEMBERSHIP_CONFIRMED: "代表委员身份确认", events.MEMBERSHIP_ENDED: "代表委员身份终止"},
    (*_COMMON, "id_digest", "body", "level", "title", "effective_on"),
)
STABILITY = _notices(
    GATEWAY_STABILITY,
    {
        events.STABILITY_RECEIVED: "涉稳信息公安接收",
        events.STABILITY_HANDLING: "涉稳信息公安处置中",
        events.STABILITY_CLOSED: "涉稳信息公安办结",
    },
    (*_COMMON, "report_id", "case_reference", "summary"),
)

CHECKPOINTS = TopicDeclaration(
    topic=GATEWAY_CHECKPOINTS,
    owner=GATEWAY,
    event_names_zh={events.CHECKPOINT: "披露台账签名检查点"},
    fields={
        "position": unconditional("台账位置", "ledger position"),
        "head_hash": unconditional("链头哈希", "head hash"),
        "time": unconditional("签名时间", "time"),
        "cadence": unconditional("下一检查点承诺", "cadence of the next checkpoint"),
        "signature": unconditional("签名", "signature"),
    },
)
