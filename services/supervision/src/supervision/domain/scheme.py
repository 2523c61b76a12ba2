"""The assessment scheme (考核方案): sections of weighted items, each item an indicator with a
target per unit level, and the score a unit earns from its figures.

A scheme is versioned configuration (``supervision/data/schemes/<code>-<version>.json``,
like the evaluation index): a shipped file is never edited, a change is a new version, and
every score names the version and the SHA-256 of the file it was computed with. A section
may weigh more than its measured items: the remainder is work no event shows yet (study and
publicity, say), listed with the reason, so the scheme says plainly what it cannot see.

Scoring an item is part of the version: an item may name the ``worst`` value its indicator can take,
which earns nothing, and then earns ``weight x clamp((value - worst) / (target - worst), 0, 1)``,
in either direction (a satisfaction mean: worst 1 of 1-5, target 4.5; a breach rate: worst 100%,
target 5%). Without it, a "higher is better" item is measured from 0 (``weight x min(1, value /
target)``) and a "lower is better" count (breaches in 2026.1) earns ``weight / (1 + max(0, value -
target))``. So a closed month scored under a version keeps its points when a later version
scores differently: only a recorded recalculation under another version changes them. An item with
nothing to measure (a share with no events, a mean with no ratings) earns nothing and weighs
nothing: it leaves the unit's measured total (``out_of``), so a town is neither rewarded nor
punished for having no requests. The index is ``points / out_of x 100``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from supervision.domain.figures import TWO_PLACES, Figure
from supervision.domain.indicators import INDICATORS, LOWER, SHARE

LEVELS = ("village", "town", "county")


class InvalidScheme(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Item:
    indicator: str
    weight: Decimal
    #: The target per unit level (village, town, county).
    targets: Mapping[str, Decimal]
    #: The worst value the indicator can take, which earns nothing; None: from 0 if higher is better,
    #: ``weight / (1 + excess)`` for a lower-is-better count.
    worst: Decimal | None = None


@dataclasses.dataclass(frozen=True)
class Section:
    code: str
    name_zh: str
    name_en: str
    weight: Decimal
    items: tuple[Item, ...]
    #: Why part of the section's weight has no item (empty when every point is measured).
    unmeasured: str = ""

    @property
    def measured_weight(self) -> Decimal:
        return sum((i.weight for i in self.items), Decimal(0))


@dataclasses.dataclass(frozen=True)
class Scheme:
    code: str
    version: str
    name_zh: str
    name_en: str
    digest: str
    current_within_months: int
    sections: tuple[Section, ...]

    def items(self) -> list[tuple[Section, Item]]:
        return [(s, i) for s in self.sections for i in s.items]


@dataclasses.dataclass(frozen=True)
class ItemScore:
    section: str
    indicator: str
    weight: Decimal
    target: Decimal
    value: Decimal | None
    points: Decimal | None


@dataclasses.dataclass(frozen=True)
class Score:
    points: Decimal
    out_of: Decimal
    #: points / out_of x 100; None when nothing could be measured.
    index: Decimal | None
    items: tuple[ItemScore, ...]


def scheme_from_dict(d: Mapping[str, Any], digest: str) -> Scheme:
    """A scheme from its parsed file; ``InvalidScheme`` names what is wrong."""
    try:
        sections = tuple(_section(s) for s in d["sections"])
        scheme = Scheme(
            str(d["code"]), str(d["version"]), str(d["name_zh"]), str(d["name_en"]), digest,
            int(d["current_within_months"]), sections,
        )  # fmt: skip
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise InvalidScheme(f"malformed scheme: {exc!r}") from exc
    _check(scheme)
    return scheme


def _section(d: Mapping[str, Any]) -> Section:
    items = tuple(
        Item(str(i["indicator"]), Decimal(str(i["weight"])), _targets(i["target"]), _decimal(i.get("worst")))
        for i in d.get("items", [])
    )
    weight = Decimal(str(d["weight"]))
    return Section(str(d["code"]), str(d["name_zh"]), str(d["name_en"]), weight, items, str(d.get("unmeasured", "")))


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _targets(target: Any) -> dict[str, Decimal]:
    if isinstance(target, Mapping):
        return {level: Decimal(str(target[level])) for level in LEVELS}
    return {level: Decimal(str(target)) for level in LEVELS}


def _check(scheme: Scheme) -> None:
    if sum((s.weight for s in scheme.sections), Decimal(0)) != 100:
        raise InvalidScheme("the sections' weights must add up to 100")
    if scheme.current_within_months < 1:
        raise InvalidScheme("current_within_months must be at least 1")
    seen: set[str] = set()
    for _, item in scheme.items():
        if item.indicator not in INDICATORS:
            raise InvalidScheme(f"unknown indicator {item.indicator!r}")
        if item.indicator in seen:
            raise InvalidScheme(f"indicator {item.indicator!r} is weighed twice")
        seen.add(item.indicator)
        if item.weight <= 0:
            raise InvalidScheme(f"{item.indicator}: a weight must be positive")
        lower = INDICATORS[item.indicator].better == LOWER
        if any(t < 0 or (t == 0 and not lower) for t in item.targets.values()):
            raise InvalidScheme(f"{item.indicator}: targets must be positive (zero only where lower is better)")
        worst = item.worst if item.worst is not None else (None if lower else Decimal(0))
        if worst is None and INDICATORS[item.indicator].kind == SHARE:
            raise InvalidScheme(f"{item.indicator}: a lower-is-better share needs its worst value")
        if worst is not None and any(t >= worst if lower else t <= worst for t in item.targets.values()):
            raise InvalidScheme(f"{item.indicator}: a target must be better than the worst value")
    for section in scheme.sections:
        if section.measured_weight > section.weight:
            raise InvalidScheme(f"section {section.code}: its items weigh more than the section")
        if section.measured_weight < section.weight and not section.unmeasured:
            raise InvalidScheme(f"section {section.code}: say why part of its weight is not measured")


def item_points(item: Item, level: str, value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    target = item.targets[level]
    lower = INDICATORS[item.indicator].better == LOWER
    if lower and item.worst is None:
        share = 1 / (1 + max(Decimal(0), value - target))
    else:
        worst = item.worst if item.worst is not None else Decimal(0)
        share = min(Decimal(1), max(Decimal(0), (value - worst) / (target - worst)))
    return (item.weight * share).quantize(TWO_PLACES)


def score(scheme: Scheme, level: str, figures: Mapping[str, Figure]) -> Score:
    """A unit's score at ``level`` (village, town or county) from its figures."""
    if level not in LEVELS:
        raise InvalidScheme(f"units are assessed at village, town or county level, not {level!r}")
    found = []
    for section, item in scheme.items():
        value = figures[item.indicator].value
        points = item_points(item, level, value)
        found.append(ItemScore(section.code, item.indicator, item.weight, item.targets[level], value, points))
    points = sum((i.points for i in found if i.points is not None), Decimal(0))
    out_of = sum((i.weight for i in found if i.points is not None), Decimal(0))
    index = (points / out_of * 100).quantize(TWO_PLACES) if out_of else None
    return Score(points, out_of, index, tuple(found))
