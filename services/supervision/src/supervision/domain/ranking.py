"""Rankings (排名): the units one level below a unit (a county's towns, a town's communities),
by index, highest first. Equal indexes share a rank (1, 2, 2, 4); a unit with nothing measured
comes last, unranked. Which units exist is what the events show: a unit no event names has
nothing to rank."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from decimal import Decimal

from chassis import units

CHILD_LEVEL = {"county": "town", "town": "village"}


@dataclasses.dataclass(frozen=True)
class Place:
    unit_code: str
    index: Decimal | None
    rank: int | None


def children(within: str, seen: Iterable[str]) -> list[str]:
    """The units one level below ``within`` that any of ``seen`` (narrowest units of events) lies in."""
    level = CHILD_LEVEL.get(units.level(within))
    if level is None:
        return []
    found = set()
    for code in seen:
        unit: str | None = code
        while unit is not None and units.level(unit) != level:
            if units.level(unit) in ("county", "city", "province"):
                unit = None
                break
            unit = units.parent(unit)
        if unit is not None and units.in_subtree(within, unit) and unit != within:
            found.add(unit)
    return sorted(found)


def rank(indexes: Mapping[str, Decimal | None]) -> list[Place]:
    scored = sorted(((i, u) for u, i in indexes.items() if i is not None), key=lambda p: (-p[0], p[1]))
    places, previous, rank_of_previous = [], None, 0
    for position, (index, unit) in enumerate(scored, start=1):
        if index != previous:
            rank_of_previous, previous = position, index
        places.append(Place(unit, index, rank_of_previous))
    places += [Place(u, None, None) for u in sorted(u for u, i in indexes.items() if i is None)]
    return places
