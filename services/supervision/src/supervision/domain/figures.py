"""A unit's figures: its subtree's contributions added up per indicator (``domain.indicators``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from decimal import Decimal

from chassis import units
from supervision.domain.indicators import COUNT, INDICATORS, MEAN, SHARE
from supervision.domain.measurement import COUNTED, MET, MISSED, VALUE, Contribution

TWO_PLACES = Decimal("0.01")


@dataclasses.dataclass(frozen=True)
class Figure:
    indicator: str
    #: The count, the percentage (0-100) or the mean; None for a share or mean with nothing to measure.
    value: Decimal | None
    #: How many events are behind it, and for a share how many met the rule.
    events: int
    met: int | None = None


def figures(contributions: Iterable[Contribution], unit: str) -> dict[str, Figure]:
    """Every indicator's figure for ``unit`` and its subtree."""
    prefix = units.scope_prefix(unit)
    mine: dict[str, list[Contribution]] = {code: [] for code in INDICATORS}
    for c in contributions:
        if c.unit_code.startswith(prefix) and c.indicator in mine:
            mine[c.indicator].append(c)
    return {code: figure(code, found) for code, found in mine.items()}


def figure(code: str, found: list[Contribution]) -> Figure:
    kind = INDICATORS[code].kind
    if kind == COUNT:
        total = sum((c.amount for c in found if c.role == COUNTED), Decimal(0))
        return Figure(
            code, Decimal(int(total)) if total == total.to_integral() else total.quantize(TWO_PLACES), len(found)
        )
    if kind == SHARE:
        met = sum(1 for c in found if c.role == MET)
        base = met + sum(1 for c in found if c.role == MISSED)
        value = (Decimal(100) * met / base).quantize(TWO_PLACES) if base else None
        return Figure(code, value, base, met)
    assert kind == MEAN
    values = [c.amount for c in found if c.role == VALUE]
    mean = (sum(values, Decimal(0)) / len(values)).quantize(TWO_PLACES) if values else None
    return Figure(code, mean, len(values))
