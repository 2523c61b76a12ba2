"""The data catalogue's items and the one rule that builds them from the event contracts.

《政务数据共享条例》 asks for a catalogue in which every shareable data item is classed 无条件共享,
有条件共享 or 不予共享, with its legal basis and its owner. Here an item is one field of one event
type. The contracts say which fields exist and how sensitive they are; each producing topic's
declaration (``chassis.catalogue.<topic module>``) says, per field name, the class, the legal basis
and the names. ``build`` joins the two and refuses any drift: a contract field without a class, a
declared field no contract carries, a topic without an owner, or a sensitive field classed
unconditional. No I/O: the gateway builds it once at start and serves it.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping

from chassis.contracts.base import EventContract


class SharingClass(enum.StrEnum):
    UNCONDITIONAL = "unconditional"
    CONDITIONAL = "conditional"
    NOT_SHARED = "not_shared"

    @property
    def label(self) -> str:
        return _CLASS_LABELS[self]


_CLASS_LABELS = {
    SharingClass.UNCONDITIONAL: "无条件共享",
    SharingClass.CONDITIONAL: "有条件共享",
    SharingClass.NOT_SHARED: "不予共享",
}


class Sensitivity(enum.StrEnum):
    """From the contract's ``sensitive`` mark (``chassis.sensitive``)."""

    SENSITIVE = "sensitive"
    MAY_HOLD_SENSITIVE_VALUES = "may_hold_sensitive_values"
    ORDINARY = "ordinary"

    @property
    def label(self) -> str:
        return _SENSITIVITY_LABELS[self]

    @classmethod
    def of(cls, mark: bool | str) -> Sensitivity:
        if mark is True:
            return cls.SENSITIVE
        if mark == "values":
            return cls.MAY_HOLD_SENSITIVE_VALUES
        return cls.ORDINARY


_SENSITIVITY_LABELS = {
    Sensitivity.SENSITIVE: "敏感个人信息",
    Sensitivity.MAY_HOLD_SENSITIVE_VALUES: "可能含敏感取值",
    Sensitivity.ORDINARY: "一般",
}


@dataclasses.dataclass(frozen=True)
class Owner:
    """The data owner (数据提供部门): the service that produces the topic, and the department
    behind it. Its 12-digit unit code is the deployment's (the gateway's ``DATA_OWNER_UNIT``)."""

    service: str
    name_zh: str
    name_en: str


@dataclasses.dataclass(frozen=True)
class FieldClass:
    """What a topic's declaration says of one field name, in every event type of the topic."""

    sharing: SharingClass
    name_zh: str
    name_en: str
    legal_basis: str


@dataclasses.dataclass(frozen=True)
class TopicDeclaration:
    topic: str
    owner: Owner
    #: event type -> its Chinese name (the English one is the contract's summary).
    event_names_zh: Mapping[str, str]
    fields: Mapping[str, FieldClass]


@dataclasses.dataclass(frozen=True)
class Item:
    """One catalogue item: a field of an event type."""

    event_type: str
    field: str
    topic: str
    sharing: SharingClass
    sensitivity: Sensitivity
    legal_basis: str
    owner: Owner
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.event_type, self.field)


class CatalogueError(ValueError):
    """The contracts and the catalogue disagree; names every problem at once."""

    def __init__(self, problems: list[str]):
        super().__init__("catalogue out of step with the contracts: " + "; ".join(problems))
        self.problems = problems


def build(
    contracts: Iterable[EventContract],
    declarations: Iterable[TopicDeclaration],
    reviewed: Mapping[str, Iterable[str]] | None = None,
) -> list[Item]:
    """Every item of every contract, in (topic, event type, field) order; CatalogueError on drift.

    A topic classes its fields by name, so a new event type that reuses a name for other data would
    inherit a class meant for something else. With ``reviewed`` (event type -> fields someone checked
    the class of, ``data/catalogue_reviewed.json``) every (event type, field) must be in it, and
    nothing may be in it that no contract carries."""
    by_topic = {d.topic: d for d in declarations}
    carried: dict[str, set[str]] = {topic: set() for topic in by_topic}
    items: list[Item] = []
    problems: list[str] = []
    ordered = sorted(contracts, key=lambda c: (c.topic, c.type))
    for contract in ordered:
        declaration = by_topic.get(contract.topic)
        if declaration is None:
            problems.append(f"topic {contract.topic} ({contract.type}) has no catalogue declaration")
            continue
        if not declaration.event_names_zh.get(contract.type, "").strip():
            problems.append(f"{contract.type} has no Chinese name in the catalogue")
        for field, mark in contract.fields.items():
            carried[contract.topic].add(field)
            declared = declaration.fields.get(field)
            if declared is None:
                problems.append(f"{contract.type} field {field!r} has no sharing class")
                continue
            item = _item(contract, field, Sensitivity.of(mark), declaration, declared)
            problems += _problems(item)
            items.append(item)
    for topic, declaration in by_topic.items():
        problems += [
            f"catalogue of {topic} names field {f!r}, which no contract of the topic carries"
            for f in sorted(set(declaration.fields) - carried[topic])
        ]
        problems += [
            f"catalogue of {topic} names event type {t}, which has no contract"
            for t in sorted(set(declaration.event_names_zh) - {c.type for c in ordered})
        ]
    if reviewed is not None:
        problems += _unreviewed(items, reviewed)
    if problems:
        raise CatalogueError(problems)
    return items


def _item(
    contract: EventContract, field: str, sensitivity: Sensitivity, topic: TopicDeclaration, declared: FieldClass
) -> Item:
    schema_field = next(f for name, f in contract.schema._declared_fields.items() if (f.data_key or name) == field)
    event_zh = topic.event_names_zh.get(contract.type, "")
    return Item(
        event_type=contract.type,
        field=field,
        topic=contract.topic,
        sharing=declared.sharing,
        sensitivity=sensitivity,
        legal_basis=declared.legal_basis,
        owner=topic.owner,
        name_zh=declared.name_zh,
        name_en=declared.name_en,
        description_zh=f"{event_zh}：{declared.name_zh}",
        description_en=f"{contract.summary} {declared.name_en}"
        + (f": {schema_field.metadata['description']}" if schema_field.metadata.get("description") else ""),
    )


def _unreviewed(items: list[Item], reviewed: Mapping[str, Iterable[str]]) -> list[str]:
    pairs = {(event_type, field) for event_type, fields in reviewed.items() for field in fields}
    new = [
        f"{i.event_type} field {i.field!r} takes the class of the topic's field {i.field!r} ({i.name_zh}, "
        f"{i.sharing.value}) but nobody has reviewed it for this event: if that class is right, add the pair "
        f"to chassis/data/catalogue_reviewed.json (python -m chassis.catalogue prints the current pairs)"
        for i in items
        if i.key not in pairs
    ]
    stale = [f"catalogue_reviewed.json lists {t} field {f!r}, which no contract carries" for t, f in
             sorted(pairs - {i.key for i in items})]  # fmt: skip
    return new + stale


def _problems(item: Item) -> list[str]:
    where = f"{item.event_type} field {item.field!r}"
    problems = []
    if item.sensitivity is not Sensitivity.ORDINARY and item.sharing is SharingClass.UNCONDITIONAL:
        problems.append(f"{where} is {item.sensitivity.value} in the contract: it cannot be shared unconditionally")
    if not item.legal_basis.strip():
        problems.append(f"{where} has no legal basis")
    if not (item.name_zh.strip() and item.name_en.strip()):
        problems.append(f"{where} needs a Chinese and an English name")
    return problems
