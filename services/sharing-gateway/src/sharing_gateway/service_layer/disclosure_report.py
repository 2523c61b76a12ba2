"""A person's disclosure record as a printable, signed report in Chinese (.xlsx): title, the person's
masked name, the period, every row, and when and by whom it was generated.

The signature is detached: Ed25519 by the gateway's feed-signing key over the exact bytes of the
file (``Signer.sign_bytes``), returned beside the file as ``{alg, kid, value}``. Whoever receives both
checks them against the gateway's published keys (``/.well-known/tongxin-feed-keys``) or with
``gateway-admin verify-report FILE SIG``; one changed byte and the check fails.

Only .xlsx: no PDF library is a dependency of the platform, and a PDF in Chinese needs a CJK font
embedded, which no pure-Python library here ships.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from chassis.auth import Principal
from chassis.spreadsheets import write_xlsx
from sharing_gateway.domain import disclosure_record
from sharing_gateway.domain.policy import Policy
from sharing_gateway.domain.signing import Signer
from sharing_gateway.service_layer import disclosure_lookup
from sharing_gateway.service_layer.unit_of_work import UowFactory

BEIJING = dt.timezone(dt.timedelta(hours=8), "北京时间")
TITLE = "个人信息处理与共享记录报告"
KINDS = {
    disclosure_record.DISCLOSURE: "向机构共享",
    disclosure_record.REVEAL: "部门内查看敏感信息",
    disclosure_record.EXPORT: "部门内导出敏感信息",
}
COLUMNS = ["时间（北京时间）", "处理方式", "接收机构", "事件类型", "字段", "含敏感信息", "目的", "法律依据",
           "策略版本", "台账位置", "推送序号", "经办人", "经办单位"]  # fmt: skip


@dataclasses.dataclass(frozen=True)
class SignedReport:
    content: bytes
    signature: dict[str, str]
    filename: str


def generate(
    uow_factory: UowFactory,
    signer: Signer,
    policies: Mapping[str, Policy],
    principal: Principal,
    person_id: str,
    filters: disclosure_lookup.Filters,
) -> SignedReport:
    """The person's record within ``filters`` as a signed workbook (the look-up is recorded)."""
    found = disclosure_lookup.all_rows(uow_factory, principal, person_id, filters)
    now = dt.datetime.now(dt.UTC)
    since = _day(filters.since) if filters.since else "最早记录"
    period = f"{since} 至 {_day(filters.until) if filters.until else '生成时'}"
    intro = [
        ["姓名（脱敏）", found["person"]["name_masked"]],
        ["人员编号", person_id],
        ["期间", period],
        ["接收机构", _agency_name(policies, filters.agency) if filters.agency else "全部"],
        ["记录条数", len(found["items"])],
        ["生成时间", _local(now)],
        ["生成人", f"{principal.name}（{principal.subject}，单位 {principal.unit}）"],
        ["签名", f"Ed25519，密钥 {signer.kid}；签名另附（对本文件字节的分离式签名）"],
        [],
        COLUMNS,
    ]
    content = write_xlsx([TITLE], [*intro, *(_row(r, policies) for r in found["items"])], sheet_name="记录")
    return SignedReport(content, signer.sign_bytes(content), f"disclosures-{person_id[:8]}-{now:%Y%m%d%H%M%S}.xlsx")


def _row(r: dict[str, Any], policies: Mapping[str, Policy]) -> list[Any]:
    return [
        _local(dt.datetime.fromisoformat(r["at"])),
        KINDS.get(r["kind"], r["kind"]),
        _agency_name(policies, r["agency"]) if r["agency"] else "",
        r["event_type"],
        "、".join(r["fields"]),
        "是" if r["sensitive"] else "否",
        r["purpose"] or "",
        r["legal_basis"] or "",
        r["policy_version"] or "",
        r["ledger_position"] if r["ledger_position"] is not None else "",
        r["sequence"] if r["sequence"] is not None else "",
        r["actor"] or "",
        r["actor_unit"] or "",
    ]


def _agency_name(policies: Mapping[str, Policy], code: str) -> str:
    policy = policies.get(code)
    return f"{policy.name}（{code}）" if policy else code


def _local(at: dt.datetime) -> str:
    return at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def _day(at: dt.datetime) -> str:
    return at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
