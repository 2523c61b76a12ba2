"""Scoring, ranking, bottom elimination and the one-vote veto: every formula in one place.

1. **Item** (评分项): a rater gives ``s`` in ``[0, max]``; normalised ``s / max``.
2. **Category** (类别): ``100 x sum(item weight x s / max)`` over its items -> 0..100.
3. **Rating** (one rater's score): ``sum(category weight x category score)`` -> 0..100.
4. **Source** (官评 official / 自评 self / 民评 public): the mean of its valid ratings
   (ratings flagged as suspicious are left out).
5. **Composite** (综合得分): ``sum(source weight x source score) / sum(weights of the
   sources present)``. A missing source follows the round's rule: ``renormalise``
   (the formula above), ``zero`` (it counts as 0) or ``incomplete`` (the person is
   not ranked and must be completed). Rounded half-up to 2 decimals at the end only.
6. **Rank** (排名): by composite, then official, public and self scores (all
   descending); people equal on all four share a rank (1, 2, 2, 4).
7. **Bottom elimination** (末位淘汰): of the ranked people, the lowest
   ``bottom_count``, or ``ceil(bottom_share x ranked)``, are flagged for exit; anyone
   whose composite equals the last flagged one is flagged too (equal scores, equal
   treatment).
8. **One-vote veto** (一票否决): a violation in force during the round fails the person
   whatever the score; vetoed people are not ranked and not counted for the bottom
   share.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from chassis.errors import InvalidInput
from evaluation.domain.index import IndexTemplate

SOURCES = ("official", "self", "public")
MISSING_RULES = ("renormalise", "zero", "incomplete")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclasses.dataclass(frozen=True)
class Policy:
    source_weights: Mapping[str, Decimal]
    missing_source: str = "renormalise"
    bottom_share: Decimal | None = Decimal("0.05")
    bottom_count: int | None = None

    def __post_init__(self) -> None:
        if set(self.source_weights) != set(SOURCES) or any(w < 0 for w in self.source_weights.values()):
            raise InvalidInput(
                "三方评价权重须覆盖官评、自评、民评且非负", "weights for official, self and public, non-negative"
            )
        if sum(self.source_weights.values()) != 1:
            raise InvalidInput("三方评价权重之和必须为 1", "source weights must add up to 1", field="source_weights")
        if self.missing_source not in MISSING_RULES:
            raise InvalidInput(f"缺项规则须为 {'/'.join(MISSING_RULES)}", f"missing_source in {MISSING_RULES}")
        if self.bottom_share is not None and not (0 <= self.bottom_share < 1):
            raise InvalidInput("末位比例须在 0 到 1 之间", "bottom_share must be in [0, 1)", field="bottom_share")
        if self.bottom_count is not None and self.bottom_count < 0:
            raise InvalidInput("末位人数不能为负", "bottom_count must not be negative", field="bottom_count")


@dataclasses.dataclass(frozen=True)
class Rating:
    source: str
    scores: Mapping[str, Decimal]
    flagged: bool = False


@dataclasses.dataclass(frozen=True)
class Outcome:
    person_id: str
    source_scores: Mapping[str, Decimal | None]
    composite: Decimal | None
    status: str  # ranked, bottom, vetoed, incomplete
    rank: int | None = None

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(f for f in ("bottom", "vetoed", "incomplete") if self.status == f)


def check_rating(template: IndexTemplate, scores: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Every item scored once, within its scale; returns the scores as Decimals."""
    expected = {i.code for i in template.items()}
    missing, unknown = expected - set(scores), set(scores) - expected
    if missing or unknown:
        raise InvalidInput(
            f"须为全部 {len(expected)} 项评分；缺少 {len(missing)} 项，多出 {len(unknown)} 项",
            f"Score all {len(expected)} items: {sorted(missing)} missing, {sorted(unknown)} unknown",
            field="scores",
        )
    clean = {}
    for code, value in scores.items():
        value = Decimal(str(value))
        if not (0 <= value <= template.item(code).max_score):
            raise InvalidInput(
                f"“{template.item(code).name}”的分数须在 0 到 {template.item(code).max_score} 之间",
                f"{code} must be between 0 and {template.item(code).max_score}",
                field="scores",
            )
        clean[code] = Decimal(format(value.normalize(), "f"))  # 10.0 and 10 are the same score
    return clean


def category_scores(template: IndexTemplate, scores: Mapping[str, Decimal]) -> dict[str, Decimal]:
    return {
        c.code: HUNDRED * sum((i.weight * Decimal(scores[i.code]) / i.max_score for i in c.items), Decimal(0))
        for c in template.categories
    }


def rating_score(template: IndexTemplate, scores: Mapping[str, Decimal]) -> Decimal:
    per_category = category_scores(template, scores)
    return sum((c.weight * per_category[c.code] for c in template.categories), Decimal(0))


def source_scores(template: IndexTemplate, ratings: Iterable[Rating]) -> dict[str, Decimal | None]:
    by_source: dict[str, list[Decimal]] = {s: [] for s in SOURCES}
    for r in ratings:
        if not r.flagged:
            by_source[r.source].append(rating_score(template, r.scores))
    return {s: (sum(v, Decimal(0)) / len(v) if v else None) for s, v in by_source.items()}


def composite(policy: Policy, scores: Mapping[str, Decimal | None]) -> Decimal | None:
    present = {s: v for s, v in scores.items() if v is not None}
    if len(present) < len(SOURCES) and policy.missing_source == "incomplete":
        return None
    if policy.missing_source == "zero":
        present = {s: scores.get(s) or Decimal(0) for s in SOURCES}
    weight = sum((policy.source_weights[s] for s in present), Decimal(0))
    if weight == 0:
        return None
    value = sum((policy.source_weights[s] * v for s, v in present.items()), Decimal(0)) / weight
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def evaluate(
    template: IndexTemplate,
    policy: Policy,
    cohort: Iterable[str],
    ratings: Mapping[str, list[Rating]],
    vetoed: set[str],
) -> list[Outcome]:
    """Score, rank and flag a whole cohort; returns outcomes in rank order (unranked last)."""
    scored = []
    for pid in sorted(set(cohort)):
        per_source = source_scores(template, ratings.get(pid, []))
        scored.append((pid, per_source, composite(policy, per_source)))
    ranked = [(pid, ps, comp) for pid, ps, comp in scored if pid not in vetoed and comp is not None]
    ranked.sort(key=lambda s: (_key(s[1], s[2]), s[0]), reverse=False)
    outcomes: dict[str, Outcome] = {}
    rank, previous = 0, None
    for position, (pid, per_source, comp) in enumerate(ranked, start=1):
        key = _key(per_source, comp)
        if key != previous:  # equal keys share the rank of the first of them (1, 2, 2, 4)
            rank, previous = position, key
        outcomes[pid] = Outcome(pid, _rounded(per_source), comp, "ranked", rank)
    for pid in _bottom(policy, ranked):
        outcomes[pid] = dataclasses.replace(outcomes[pid], status="bottom")
    for pid, per_source, score in scored:
        if pid in vetoed:
            outcomes[pid] = Outcome(pid, _rounded(per_source), score, "vetoed")
        elif score is None:
            outcomes[pid] = Outcome(pid, _rounded(per_source), None, "incomplete")
    return sorted(outcomes.values(), key=lambda o: (o.rank is None, o.rank or 0, o.person_id))


def bottom_size(policy: Policy, ranked: int) -> int:
    if policy.bottom_count is not None:
        return min(policy.bottom_count, ranked)
    if not policy.bottom_share or not ranked:
        return 0
    return min(ranked, math.ceil(policy.bottom_share * ranked))


def _bottom(policy: Policy, ranked: list[Any]) -> list[str]:
    k = bottom_size(policy, len(ranked))
    if k == 0:
        return []
    cut = ranked[-k][2]
    return [pid for pid, _, comp in ranked if comp <= cut]


def _key(per_source: Mapping[str, Decimal | None], comp: Decimal) -> tuple[Any, ...]:
    zero = Decimal(0)
    return (-comp, -(per_source["official"] or zero), -(per_source["public"] or zero), -(per_source["self"] or zero))


def _rounded(per_source: Mapping[str, Decimal | None]) -> dict[str, Decimal | None]:
    return {s: (v.quantize(CENT, rounding=ROUND_HALF_UP) if v is not None else None) for s, v in per_source.items()}
