"""The events behind one figure of a unit (drill-down): the one read of the supervision that lists
events and may name people, so it lives apart from the counts in ``assessment``.

A row names a person only when the caller's scope covers the person's unit at the month's end (a
member of another town whose request this town handled stays anonymous); violation notices name
people only to evaluators, and a community's notices are read from the town up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from chassis import units
from chassis.auth import Principal
from chassis.errors import NotFound
from chassis.paging import decode_cursor, encode_cursor
from supervision.domain import months
from supervision.domain.indicators import INDICATORS
from supervision.domain.scheme import Scheme
from supervision.service_layer.assessment import (
    NAMES_PEOPLE_TO,
    NOTICES,
    month_state,
    month_to_assess,
    scheme_of,
    unit_in_scope,
)
from supervision.service_layer.months_of_record import month_contributions
from supervision.service_layer.unit_of_work import UowFactory


def drill_down(
    uow_factory: UowFactory,
    principal: Principal,
    scheme: Scheme,
    query: dict[str, Any],
    now: dt.datetime,
) -> dict:
    """The events behind one figure of a unit: event id and type, the unit it counted for, its role
    (counted, met, missed, value) and amount; a page at a time (keyset on event id and role). A person
    id only where the caller's scope covers the person (and, for violation notices, to evaluators)."""
    month, unit = month_to_assess(query["month"], now), unit_in_scope(principal, query["unit"])
    indicator, limit = query["indicator"], query["limit"]
    if indicator not in INDICATORS:
        raise NotFound("没有该指标", "No such indicator")
    after = tuple(decode_cursor(query["cursor"], 2)) if query.get("cursor") else None
    with uow_factory() as uow:
        found, closure = month_contributions(uow, month, scheme)
        prefix = units.scope_prefix(unit)
        mine = sorted(
            (c for c in found if c.indicator == indicator and c.unit_code.startswith(prefix)),
            key=lambda c: (c.event_id, c.role),
        )
        may_name = principal.has_role(*NAMES_PEOPLE_TO[indicator]) if indicator in NAMES_PEOPLE_TO else True
        if indicator == NOTICES and not may_name and units.level(unit) == "village":
            mine = []  # a community's notices are withheld from those who may not see their people
        if after is not None:
            mine = [c for c in mine if (c.event_id, c.role) > after]
        page = mine[:limit]
        if indicator == NOTICES and not may_name:  # read from the town up: no row names its community
            page = [dataclasses.replace(c, unit_code=_town_of(c.unit_code)) for c in page]
        on = months.last_day(month).isoformat()
        homes = uow.supervision.units_of_people((c.person_id for c in page if c.person_id), on) if may_name else {}
    items = [
        {
            "event_id": c.event_id,
            "event_type": c.event_type,
            "unit_code": c.unit_code,
            "role": c.role,
            "amount": c.amount,
            "person_id": c.person_id if c.person_id in homes and principal.sees(homes[c.person_id]) else None,
        }
        for c in page
    ]
    cursor = encode_cursor(page[-1].event_id, page[-1].role) if len(mine) > limit else None
    return {
        **month_state(month, closure, scheme_of(closure, scheme)),
        "unit": unit,
        "indicator": indicator,
        "items": items,
        "next_cursor": cursor,
    }


def _town_of(unit: str) -> str:
    return (units.parent(unit) or unit) if units.level(unit) == "village" else unit
