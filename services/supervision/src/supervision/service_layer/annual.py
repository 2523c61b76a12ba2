"""What staff read of a year (年度考核): a unit's annual index with every month behind it, and the
ranking of the units below a unit by their annual index (rules in ``domain/annual.py``).

Each month is read through the monthly path (``assessment.read_score`` on ``month_contributions``):
a closed month from what its closure kept, under its own scheme version; an open one as computed
now under the current version, flagged. So the monthly withholding rules hold in the year too (a
community's notices figure for non-evaluators), and a unit's year in a ranking is the same as its
own annual assessment. Scope as every read: a unit outside the caller's subtree is not found.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from chassis import units
from chassis.auth import Principal
from chassis.errors import InvalidInput
from chassis.spreadsheets import write_xlsx
from supervision.domain import months
from supervision.domain.annual import YearScore, month_score, year_score
from supervision.domain.figures import Tallies, tally
from supervision.domain.ranking import Place, children, rank
from supervision.domain.scheme import Scheme
from supervision.service_layer.assessment import month_state, read_score, scheme_of, unit_in_scope
from supervision.service_layer.months_of_record import month_contributions
from supervision.service_layer.unit_of_work import UowFactory


def _months_ended(year: str, now: dt.datetime) -> list[str]:
    """The months of ``year`` that have ended at ``now`` (China Standard Time); a year not begun is refused."""
    try:
        twelve = months.of_year(year)
    except months.InvalidMonth:
        raise InvalidInput("年度格式应为 YYYY", "A year is written YYYY", field="year") from None
    if not months.has_begun(twelve[0], now):
        raise InvalidInput("该年度尚未开始，无可考核的月份", "The year has not begun: no month to assess", field="year")
    return [m for m in twelve if months.has_ended(m, now)]


@dataclasses.dataclass(frozen=True)
class _Month:
    """An ended month as read: its state (closed or not, by whom, its scheme), its scheme and its tallies."""

    state: dict[str, Any]
    scheme: Scheme
    tallies: Tallies


def _read_months(uow_factory: UowFactory, scheme: Scheme, ended: list[str]) -> list[_Month]:
    """Every ended month of the year, read in one transaction."""
    with uow_factory() as uow:
        read = [(month, *month_contributions(uow, month, scheme)) for month in ended]
    return [
        _Month(month_state(month, closure, scheme_of(closure, scheme)), scheme_of(closure, scheme), tally(found))
        for month, found, closure in read
    ]


def _year_of(read: list[_Month], unit: str, principal: Principal) -> YearScore:
    scored = []
    for m in read:
        figs, result = read_score(m.tallies, m.scheme, unit, principal)
        scored.append(month_score(m.state["month"], m.state["closed"], figs, result))
    return year_score(scored)


def _year_state(year: str, read: list[_Month]) -> dict[str, Any]:
    """The year's months as read: how many have ended, and whether any is open (its index may still move)."""
    return {"year": year, "months_ended": len(read), "provisional": not all(m.state["closed"] for m in read)}


def unit_year(
    uow_factory: UowFactory, principal: Principal, scheme: Scheme, year: str, unit: str, now: dt.datetime
) -> dict:
    """A unit's annual index: the mean of its measured months' indexes, with every ended month listed
    (its state and scheme, points, out_of, index, and whether it was measured)."""
    ended, unit = _months_ended(year, now), unit_in_scope(principal, unit)
    read = _read_months(uow_factory, scheme, ended)
    ys = _year_of(read, unit, principal)
    return {
        **_year_state(year, read),
        "unit": unit,
        "level": units.level(unit),
        "index": ys.index,
        "months_measured": ys.months_measured,
        "months": [
            {**m.state, "points": s.points, "out_of": s.out_of, "index": s.index, "measured": s.measured}
            for m, s in zip(read, ys.months, strict=True)
        ],
    }


def _ranked_years(read: list[_Month], within: str, principal: Principal) -> list[tuple[Place, YearScore]]:
    """The units one level below ``within`` that any ended month shows, in rank order, with their years."""
    below = sorted({unit for m in read for unit in children(within, {u for _, u in m.tallies})})
    years = {unit: _year_of(read, unit, principal) for unit in below}
    return [(place, years[place.unit_code]) for place in rank({unit: y.index for unit, y in years.items()})]


def annual_ranking(
    uow_factory: UowFactory, principal: Principal, scheme: Scheme, year: str, within: str, now: dt.datetime
) -> dict:
    """The units one level below ``within`` by annual index (equal indexes share a rank; a unit with no
    month measured comes last, unranked), each with how many of the months it was measured in."""
    ended, within = _months_ended(year, now), unit_in_scope(principal, within)
    read = _read_months(uow_factory, scheme, ended)
    return {
        **_year_state(year, read),
        "within": within,
        "months": [m.state for m in read],
        "items": [
            {**dataclasses.asdict(place), "months_measured": y.months_measured}
            for place, y in _ranked_years(read, within, principal)
        ],
    }


#: The annual assessment spreadsheet's leading columns; one column per ended month's index follows.
ANNUAL_HEADER = ["名次", "单位代码", "年度同心指数", "计入月数"]


def annual_report_xlsx(
    uow_factory: UowFactory, principal: Principal, scheme: Scheme, year: str, within: str, now: dt.datetime
) -> tuple[str, bytes]:
    """The year's assessment of the units below ``within`` as .xlsx (Chinese headers): rank, unit,
    annual index, months counted, then each ended month's index (blank where not measured), the
    month's scheme version and whether it is closed in its header; the last row is ``within`` itself."""
    ended, within = _months_ended(year, now), unit_in_scope(principal, within)
    read = _read_months(uow_factory, scheme, ended)
    header = ANNUAL_HEADER + [
        f"{m.state['month']}（{m.scheme.version}{'，已结算' if m.state['closed'] else '，未结算'}）" for m in read
    ]
    rows = [_row(place.rank, place.unit_code, y) for place, y in _ranked_years(read, within, principal)]
    rows.append(_row("合计", within, _year_of(read, within, principal)))
    state = _year_state(year, read)
    sheet = f"{year} 年度考核（{len(read)} 个月{'，含未结算月份' if state['provisional'] else ''}）"
    return f"supervision-{year}-{within}.xlsx", write_xlsx(header, rows, sheet_name=sheet)


def _row(rank_or_total: Any, unit: str, y: YearScore) -> list[Any]:
    return [rank_or_total, unit, y.index, y.months_measured, *(m.index if m.measured else None for m in y.months)]
