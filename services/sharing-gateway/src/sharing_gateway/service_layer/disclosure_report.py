"""A person's disclosure record as a printable, signed report in Chinese (.xlsx): title, the person's
masked name, the period, every row the auditor may see, how many rows only an auditor above may
answer for (never silently left out), and when and by whom it was generated. Event types and fields
carry the data catalogue's Chinese names (``chassis.catalogue``), the raw names only where it has none.

The signature is detached: Ed25519 by the gateway's feed-signing key over a statement naming the
file's SHA-256, the person, the period, when and by whom (``Signer.sign_report``; a feed entry's
signature never passes for one), returned beside the file as ``{alg, kid, value, sha256, ...}``.
Whoever receives both checks them against the gateway's published keys
(``/.well-known/tongxin-feed-keys``) or with ``gateway-admin verify-report FILE SIG``; one changed
byte and the check fails.

Only .xlsx: no PDF library is a dependency of the platform, and a PDF in Chinese needs a CJK font
embedded, which no pure-Python library here ships.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

from chassis import catalogue
from chassis.auth import Principal
from chassis.contracts.registry import PERSON_UPDATED as PERSON_SNAPSHOT
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
           "策略版本", "台账位置", "推送序号", "经办人账号标识", "经办单位", "人员编号"]  # fmt: skip
#: What the report says when rows were withheld from the auditor who generated it.
WITHHELD = "另有 {n} 条记录涉及本级不可见的接收机构，须由上级审计员出具"


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
    found = disclosure_lookup.all_rows(uow_factory, principal, dict(policies), person_id, filters)
    seen = {code: p for code, p in policies.items() if code in found["agencies"]}
    now = dt.datetime.now(dt.UTC)
    since = _day(filters.since) if filters.since else "最早记录"
    period = f"{since} 至 {_day(filters.until) if filters.until else '生成时'}"
    intro = [
        ["姓名（脱敏）", found["person"]["name_masked"]],
        ["人员编号", "、".join(found["person"]["record_ids"])],
        ["期间", period],
        ["接收机构", _agency_name(seen, filters.agency) if filters.agency else "全部"],
        ["记录条数", len(found["items"])],
        *([["未列记录", WITHHELD.format(n=found["withheld"])]] if found["withheld"] else []),
        ["生成时间", _local(now)],
        ["生成人", f"{principal.name}（账号标识 {principal.subject}，单位 {principal.unit}）"],
        ["签名", f"Ed25519，密钥 {signer.kid}；签名另附（对本文件 SHA-256、人员、期间、生成时间与生成人的分离式签名）"],
        [],
        COLUMNS,
    ]
    content = write_xlsx([TITLE], [*intro, *(_row(r, seen) for r in found["items"])], sheet_name="记录")
    interval = f"{_iso(filters.since)}/{_iso(filters.until)}"
    signature = signer.sign_report(content, person_id, interval, now.isoformat(), principal.name)
    return SignedReport(content, signature, f"disclosures-{person_id[:8]}-{now:%Y%m%d%H%M%S}.xlsx")


def _row(r: dict[str, Any], policies: Mapping[str, Policy]) -> list[Any]:
    return [
        _local(dt.datetime.fromisoformat(r["at"])),
        KINDS.get(r["kind"], r["kind"]),
        _agency_name(policies, r["agency"]) if r["agency"] else "",
        _event_name(r["event_type"]),
        "、".join(_field_name(r["event_type"], f) for f in r["fields"]),
        "是" if r["sensitive"] else "否",
        r["purpose"] or "",
        r["legal_basis"] or "",
        r["policy_version"] or "",
        r["ledger_position"] if r["ledger_position"] is not None else "",
        r["sequence"] if r["sequence"] is not None else "",
        r["actor"] or "",
        r["actor_unit"] or "",
        r["person_id"],
    ]


@functools.cache
def _event_names() -> dict[str, str]:
    return {t: zh for d in catalogue.DECLARATIONS for t, zh in d.event_names_zh.items()}


def _event_name(event_type: str) -> str:
    return _event_names().get(event_type, event_type)


def _field_name(event_type: str, field: str) -> str:
    """The catalogue's Chinese name of a field of the event type; a reveal's or an export's field is
    the registry's (the person's snapshot); the raw name where the catalogue has none."""
    item = catalogue.items_by_key().get((event_type, field)) or catalogue.items_by_key().get((PERSON_SNAPSHOT, field))
    return item.name_zh if item else field


def _iso(at: dt.datetime | None) -> str:
    return at.astimezone(dt.UTC).isoformat() if at else ".."


def _agency_name(policies: Mapping[str, Policy], code: str) -> str:
    policy = policies.get(code)
    return f"{policy.name}（{code}）" if policy else code


def _local(at: dt.datetime) -> str:
    return at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def _day(at: dt.datetime) -> str:
    return at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
