"""The data catalogue (政务数据共享目录): every field of every event type, with its sharing class,
sensitivity, legal basis and owner, built from the contracts (``model.build``) and each producing
topic's declaration. ``catalogue()`` is the one built catalogue; a contract field without a class
makes it (and the chassis's tests) fail.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

from chassis.catalogue import evaluation, gateway, liaison, registry, servicedesk, supervision
from chassis.catalogue.model import (
    CatalogueError,
    FieldClass,
    Item,
    Owner,
    Sensitivity,
    SharingClass,
    TopicDeclaration,
    build,
)
from chassis.contracts import all_contracts

__all__ = [
    "DECLARATIONS",
    "CatalogueError",
    "FieldClass",
    "Item",
    "Owner",
    "Sensitivity",
    "SharingClass",
    "TopicDeclaration",
    "build",
    "catalogue",
    "current_pairs",
    "items_by_key",
    "reviewed_pairs",
]

DECLARATIONS = (
    registry.DECLARATION,
    registry.PROCESSING,
    liaison.DECLARATION,
    evaluation.DECLARATION,
    servicedesk.DECLARATION,
    gateway.INBOUND,
    gateway.MEMBERSHIP,
    gateway.STABILITY,
    gateway.CHECKPOINTS,
    supervision.DECLARATION,
)


@functools.cache
def reviewed_pairs() -> dict[str, list[str]]:
    """Event type -> the fields whose class someone reviewed for that event (``data/catalogue_reviewed.json``)."""
    text = resources.files("chassis.data").joinpath("catalogue_reviewed.json").read_text(encoding="utf-8")
    pairs: dict[str, list[str]] = json.loads(text)["reviewed"]
    return pairs


@functools.cache
def catalogue() -> tuple[Item, ...]:
    return tuple(build(all_contracts(), DECLARATIONS, reviewed_pairs()))


def current_pairs() -> dict[str, list[str]]:
    """Every (event type, field) the contracts carry, as ``catalogue_reviewed.json`` holds them."""
    pairs: dict[str, list[str]] = {}
    for item in build(all_contracts(), DECLARATIONS):
        pairs.setdefault(item.event_type, []).append(item.field)
    return {t: sorted(fields) for t, fields in sorted(pairs.items())}


@functools.cache
def items_by_key() -> dict[tuple[str, str], Item]:
    """(event type, field) -> item."""
    return {item.key: item for item in catalogue()}
