"""A unit's figures: its subtree's contributions added up per indicator (``domain.indicators``).

Contributions are first tallied per indicator and narrowest unit (``tally``): a county has a few
hundred communities but tens of thousands of contributions, so a ranking adds up tallies, not
contributions, once per unit ranked."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from decimal import Decimal

from chassis import units
from supervision.domain.indicators import COUNT, INDICATORS, LOWER, MEAN, SHARE
from supervision.domain.measurement import COUNTED, MET, MISSED, VALUE, Contribution

TWO_PLACES = Decimal("0.01")


@dataclasses.dataclass(frozen=True)
class Figure:
    indicator: str
    #: The count, the percentage (0-100: of those that met the rule, or missed it where lower is better)
    #: or the mean; None for a share or mean with nothing to measure.
    value: Decimal | None
    #: How many events are behind it, and for a share how many met the rule.
    events: int
    met: int | None = None


@dataclasses.dataclass
class Tally:
    """One indicator's contributions at one unit: how many, how many met and missed, and the sum of
    the amounts counted or averaged."""

    events: int = 0
    met: int = 0
    missed: int = 0
    total: Decimal = Decimal(0)

    def add(self, c: Contribution) -> None:
        self.events += 1
        self.met += c.role == MET
        self.missed += c.role == MISSED
        if c.role in (COUNTED, VALUE):
            self.total += c.amount

    def merge(self, other: Tally) -> None:
        self.events += other.events
        self.met += other.met
        self.missed += other.missed
        self.total += other.total


Tallies = Mapping[tuple[str, str], Tally]


def tally(contributions: Iterable[Contribution]) -> dict[tuple[str, str], Tally]:
    """(indicator, unit code) -> its tally."""
    found: dict[tuple[str, str], Tally] = {}
    for c in contributions:
        found.setdefault((c.indicator, c.unit_code), Tally()).add(c)
    return found


def figures(contributions: Iterable[Contribution] | Tallies, unit: str) -> dict[str, Figure]:
    """Every indicator's figure for ``unit`` and its subtree, from contributions or their tallies; a
    unit none of them names has every figure ``None`` (not measured), as the ranking leaves it out."""
    tallies = contributions if isinstance(contributions, Mapping) else tally(contributions)
    prefix = units.scope_prefix(unit)
    mine = {code: Tally() for code in INDICATORS}
    for (code, unit_code), t in tallies.items():
        if code in mine and unit_code.startswith(prefix):
            m = mine[code]
            m.events, m.met, m.missed, m.total = (
                m.events + t.events,
                m.met + t.met,
                m.missed + t.missed,
                m.total + t.total,
            )
    if not any(t.events for t in mine.values()):
        # no event of the month names the unit or its subtree: nothing to measure, which is not 0
        return {code: Figure(code, None, 0) for code in mine}
    return {code: figure(code, t) for code, t in mine.items()}


def figure(code: str, t: Tally) -> Figure:
    kind = INDICATORS[code].kind
    if kind == COUNT:
        total = t.total
        return Figure(
            code, Decimal(int(total)) if total == total.to_integral() else total.quantize(TWO_PLACES), t.events
        )
    if kind == SHARE:
        base = t.met + t.missed
        part = t.missed if INDICATORS[code].better == LOWER else t.met
        value = (Decimal(100) * part / base).quantize(TWO_PLACES) if base else None
        return Figure(code, value, base, t.met)
    assert kind == MEAN
    return Figure(code, (t.total / t.events).quantize(TWO_PLACES) if t.events else None, t.events)
