"""Event contracts: for each event type, its topic, its marshmallow schema and a summary.

Producers validate ``data`` against the schema before writing to the outbox;
consumers look a type up here and ignore types they do not know. A breaking
change gets a new ``.vN`` type beside the old one.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema

# Importing each topic's module registers its contracts (``base.register``).
from chassis.contracts import evaluation, gateway, liaison, processing, registry, servicedesk, stability, supervision
from chassis.contracts.base import REGISTERED, UNIT_CODE, EventContract, FullMatch, UnknownEventType, register

__all__ = [
    "UNIT_CODE",
    "EventContract",
    "FullMatch",
    "UnknownEventType",
    "all_contracts",
    "contract_for",
    "evaluation",
    "gateway",
    "liaison",
    "processing",
    "register",
    "registry",
    "servicedesk",
    "stability",
    "supervision",
    "validate_data",
]


def contract_for(event_type: str) -> EventContract:
    try:
        return REGISTERED[event_type]
    except KeyError:
        raise UnknownEventType(event_type) from None


def all_contracts() -> list[EventContract]:
    return sorted(REGISTERED.values(), key=lambda c: (c.topic, c.type))


@functools.cache
def _schema(event_type: str) -> Schema:
    # Schema instances are reusable for load/dump; building one per event is the slow part.
    return contract_for(event_type).schema()


def validate_data(event_type: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate an event's data against its contract; raises ValidationError or UnknownEventType.

    The data is returned as given (dates are written as ISO strings by the envelope):
    loading proves the contract holds; dumping it again would only cost time.
    """
    _schema(event_type).load(data)
    return dict(data)
