"""The data catalogue (``chassis.catalogue``) as the gateway serves it to agencies and staff and
exports it for the provincial catalogue: filtered, paged in (event type, field) order, each item
with what the policies in force grant of it, and the export's rows under Chinese column headers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from chassis.catalogue import Item, SharingClass
from sharing_gateway.domain.policy import Policy


def grants(policy: Policy, item: Item) -> bool:
    """Whether ``policy`` sends the item's field of its event type (a dropped field is not sent)."""
    share = policy.share_for(item.event_type)
    return share is not None and item.field in share.sent_fields()


def select(
    items: Iterable[Item], event_type: str | None = None, sharing: str | None = None, owner: str | None = None
) -> list[Item]:
    """The items matching every filter given, in (event type, field) order."""
    chosen = [
        i
        for i in items
        if (event_type is None or i.event_type == event_type)
        and (sharing is None or i.sharing is SharingClass(sharing))
        and (owner is None or i.owner.service == owner)
    ]
    return sorted(chosen, key=lambda i: i.key)


def page(items: Sequence[Item], after: tuple[str, str] | None, limit: int) -> tuple[list[Item], Item | None]:
    """Up to ``limit`` items after the key ``after``, and the last one if more follow."""
    rest = [i for i in items if after is None or i.key > after]
    shown = rest[:limit]
    return shown, (shown[-1] if len(rest) > limit else None)


def entry(item: Item, owner_unit: str) -> dict[str, Any]:
    return {
        "event_type": item.event_type,
        "field": item.field,
        "topic": item.topic,
        "class": item.sharing.value,
        "class_label": item.sharing.label,
        "sensitivity": item.sensitivity.value,
        "sensitivity_label": item.sensitivity.label,
        "legal_basis": item.legal_basis,
        "owner": {
            "service": item.owner.service,
            "unit_code": owner_unit,
            "name_zh": item.owner.name_zh,
            "name_en": item.owner.name_en,
        },
        "name_zh": item.name_zh,
        "name_en": item.name_en,
        "description_zh": item.description_zh,
        "description_en": item.description_en,
    }


#: The export's columns, in the order of ``export_row``.
EXPORT_HEADER = [
    "事件类型",
    "字段",
    "数据项名称",
    "英文名称",
    "数据项描述",
    "英文描述",
    "共享类型",
    "敏感程度",
    "共享依据",
    "数据提供部门",
    "提供部门单位代码",
    "所属主题",
]


def export_row(item: Item, owner_unit: str) -> list[str]:
    return [
        item.event_type,
        item.field,
        item.name_zh,
        item.name_en,
        item.description_zh,
        item.description_en,
        item.sharing.label,
        item.sensitivity.label,
        item.legal_basis,
        item.owner.name_zh,
        owner_unit,
        item.topic,
    ]


def granted_to(policies: Mapping[str, Policy], item: Item) -> list[str]:
    """The agencies (of ``policies``) whose policy grants the item, sorted."""
    return sorted(code for code, p in policies.items() if grants(p, item))
