"""The data catalogue (政务数据共享目录): every field of every event type, with its sharing class,
sensitivity, legal basis and owner, built from the contracts (``model.build``) and each producing
topic's declaration. ``catalogue()`` is the one built catalogue; a contract field without a class
makes it (and the chassis's tests) fail.
"""

from __future__ import annotations

import functools

from chassis.catalogue import evaluation, gateway, registry, servicedesk
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
    "items_by_key",
]

DECLARATIONS = (
    registry.DECLARATION,
    registry.PROCESSING,
    evaluation.DECLARATION,
    servicedesk.DECLARATION,
    gateway.INBOUND,
    gateway.CHECKPOINTS,
)


@functools.cache
def catalogue() -> tuple[Item, ...]:
    return tuple(build(all_contracts(), DECLARATIONS))


@functools.cache
def items_by_key() -> dict[tuple[str, str], Item]:
    """(event type, field) -> item."""
    return {item.key: item for item in catalogue()}
