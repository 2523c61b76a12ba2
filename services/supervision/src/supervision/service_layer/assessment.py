"""What staff read of the supervision: a unit's figures and score for a month, the ranking of the
units below a unit, its spreadsheet, and the scheme; the events behind a figure are in ``drill_down``.

Scope like every service: a unit outside the caller's subtree is answered as not found,
whether it exists or not; a town reads itself and its communities, the county everything.
Answers hold counts, not names; the drill-down (``drill_down``) names people under the same
scope rules, from the same month and scheme.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from chassis import units
from chassis.auth import Principal
from chassis.errors import InvalidInput, NotFound
from chassis.spreadsheets import write_xlsx
from supervision.adapters.repository import Closure
from supervision.adapters.schemes import load_scheme
from supervision.domain import months
from supervision.domain.figures import Figure, Tallies, figures, tally
from supervision.domain.indicators import INDICATORS, NOT_MEASURABLE
from supervision.domain.measurement import Contribution
from supervision.domain.ranking import Place, children, rank
from supervision.domain.scheme import LEVELS, Scheme, Score, score
from supervision.service_layer.months_of_record import month_contributions
from supervision.service_layer.unit_of_work import UowFactory

UNKNOWN_UNIT = ("您的管辖范围内没有该单位", "No such unit in your scope")
#: Whose person ids a drill-down may name, beyond the caller's scope: that a person has a violation
#: notice is for those who handle violations (evaluation's ``evaluator``), not every reader.
NAMES_PEOPLE_TO = {"notices_handled": ("evaluator",)}
#: A community may hold a handful of people: its count of violation notices would tell those who may
#: not see the person who has one. Others read that figure from the town up; a community's is
#: withheld (not measured, so its score does not tell either) and a drill-down names only the town.
NOTICES = "notices_handled"


def as_read_by(principal: Principal, unit: str, figs: dict[str, Figure]) -> dict[str, Figure]:
    if units.level(unit) != "village" or principal.has_role(*NAMES_PEOPLE_TO[NOTICES]):
        return figs
    return {**figs, NOTICES: Figure(NOTICES, None, 0)}


def month_to_assess(month: str, now: dt.datetime) -> str:
    """A month written YYYY-MM that has begun in Beijing: a month to come has nothing to assess (its
    figures would read 0 and rank units on nothing); the month in progress is open to read."""
    try:
        months.check(month)
    except months.InvalidMonth:
        raise InvalidInput("月份格式应为 YYYY-MM", "A month is written YYYY-MM", field="month") from None
    if not months.has_begun(month, now):
        raise InvalidInput(
            "该月尚未开始，没有可考核的数据", "The month has not begun: there is nothing to assess", field="month"
        )
    return month


def unit_in_scope(principal: Principal, unit: str) -> str:
    if not principal.sees(unit):
        raise NotFound(*UNKNOWN_UNIT)
    if units.level(unit) not in LEVELS:
        raise InvalidInput(
            "只考核社区、镇街和县市区", "Only communities, towns and counties are assessed", field="unit"
        )
    return unit


def read_score(
    found: list[Contribution] | Tallies, scheme: Scheme, unit: str, principal: Principal
) -> tuple[dict[str, Figure], Score]:
    """A unit's figures (its subtree) as ``principal`` reads them, and its score under ``scheme``: how
    every read of a month scores a unit (an assessment, a ranking, a report, a year)."""
    figs = as_read_by(principal, unit, figures(found, unit))
    return figs, score(scheme, units.level(unit), figs)


def scheme_of(closure: Closure | None, current: Scheme) -> Scheme:
    return load_scheme(closure.scheme_version) if closure is not None else current


def month_state(month: str, closure: Closure | None, scheme: Scheme) -> dict[str, Any]:
    state: dict[str, Any] = {
        "month": month,
        "closed": closure is not None,
        "scheme": {"code": scheme.code, "version": scheme.version, "digest": scheme.digest},
    }
    if closure is not None:
        state.update(closed_at=closure.closed_at, closed_by=closure.closed_by, snapshot_digest=closure.snapshot_digest)
    return state


def unit_assessment(
    uow_factory: UowFactory, principal: Principal, scheme: Scheme, month: str, unit: str, now: dt.datetime
) -> dict:
    """The unit's figures (its subtree) and its score under the month's scheme."""
    month, unit = month_to_assess(month, now), unit_in_scope(principal, unit)
    with uow_factory() as uow:
        found, closure = month_contributions(uow, month, scheme)
    scheme = scheme_of(closure, scheme)
    figs, result = read_score(found, scheme, unit, principal)
    return {
        **month_state(month, closure, scheme),
        "unit": unit,
        "level": units.level(unit),
        "figures": [
            {
                **dataclasses.asdict(f),
                "name_zh": INDICATORS[f.indicator].name_zh,
                "name_en": INDICATORS[f.indicator].name_en,
                "measure": INDICATORS[f.indicator].measure,
            }
            for f in figs.values()
        ],
        "score": {
            "points": result.points,
            "out_of": result.out_of,
            "index": result.index,
            "items": [dataclasses.asdict(i) for i in result.items],
        },
    }


def ranking(
    uow_factory: UowFactory, principal: Principal, scheme: Scheme, month: str, within: str, now: dt.datetime
) -> dict:
    """The units one level below ``within`` (a county's towns, a town's communities), by index; each
    with its points and the weight they were measured on (``out_of``), since indexes of 100 may rest
    on different bases."""
    month, within = month_to_assess(month, now), unit_in_scope(principal, within)
    with uow_factory() as uow:
        found, closure = month_contributions(uow, month, scheme)
    scheme = scheme_of(closure, scheme)
    places = [
        {**dataclasses.asdict(place), "points": result.points, "out_of": result.out_of}
        for place, _, result in _ranked(found, scheme, within, principal)
    ]
    return {**month_state(month, closure, scheme), "within": within, "items": places}


def _ranked(
    found: list, scheme: Scheme, within: str, principal: Principal
) -> list[tuple[Place, dict[str, Figure], Score]]:
    """Each unit one level below ``within`` in rank order, with its figures and score as ``principal`` reads them."""
    tallies = tally(found)
    below = children(within, {unit for _, unit in tallies})
    read = {unit: read_score(tallies, scheme, unit, principal) for unit in below}
    return [(p, *read[p.unit_code]) for p in rank({u: s.index for u, (_, s) in read.items()})]


#: The monthly assessment spreadsheet's leading columns; one column per indicator follows.
REPORT_HEADER = ["名次", "单位代码", "同心指数", "得分", "计分满分"]


def monthly_report_xlsx(
    uow_factory: UowFactory, principal: Principal, scheme: Scheme, month: str, within: str, now: dt.datetime
) -> tuple[str, bytes]:
    """The month's assessment of the units below ``within`` as .xlsx (Chinese headers): rank, unit,
    index, points of measured weight, then every indicator's figure; the last row is ``within``
    itself. Counts and shares only: no person is named."""
    month, within = month_to_assess(month, now), unit_in_scope(principal, within)
    with uow_factory() as uow:
        found, closure = month_contributions(uow, month, scheme)
    scheme = scheme_of(closure, scheme)
    header = REPORT_HEADER + [f"{i.name_zh}（{i.measure}）" for i in INDICATORS.values()]
    rows = [
        [place.rank, place.unit_code, result.index, result.points, result.out_of,
         *(figs[code].value for code in INDICATORS)]
        for place, figs, result in _ranked(found, scheme, within, principal)
    ]  # fmt: skip
    own, total = read_score(found, scheme, within, principal)
    rows.append(["合计", within, total.index, total.points, total.out_of, *(own[code].value for code in INDICATORS)])
    sheet = f"{month} 考核（{scheme.version}{'，已结算' if closure else ''}）"
    return f"supervision-{month}-{within}.xlsx", write_xlsx(header, rows, sheet_name=sheet)


def describe_scheme(scheme: Scheme) -> dict:
    """The scheme as configured: sections, weighted items with their targets per level, what is not
    measured and why, and every indicator's definition."""
    return {
        **{k: getattr(scheme, k) for k in ("code", "version", "digest", "name_zh", "name_en", "current_within_months")},
        "sections": [
            {
                **{k: getattr(s, k) for k in ("code", "name_zh", "name_en", "weight", "measured_weight")},
                "unmeasured": s.unmeasured or None,
                "items": [
                    {"indicator": i.indicator, "weight": i.weight, "targets": dict(i.targets), "worst": i.worst}
                    for i in s.items
                ],
            }
            for s in scheme.sections
        ],
        "indicators": [dataclasses.asdict(i) for i in INDICATORS.values()],
        "not_measurable": [{"item": k, "reason": v} for k, v in NOT_MEASURABLE.items()],
    }
