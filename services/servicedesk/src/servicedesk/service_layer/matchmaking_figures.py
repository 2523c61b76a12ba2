"""The year's matchmaking figures by unit, in the form the department reports them ("241
enterprises helped, 86 projects, 23 million yuan"): events held, enterprises helped, projects
signed and their amount, loans granted and their amount, people placed, outcomes completed and
fallen through; for a unit's subtree, with a row for each unit directly below it. JSON and .xlsx.

An outcome counts in the year it was agreed, under the unit that organised its event, unless it
fell through; an enterprise helped twice counts once (names compared without spaces).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis import units
from chassis.auth import Principal
from chassis.errors import InvalidInput
from chassis.spreadsheets import write_xlsx
from servicedesk.adapters.community_tables import matchmaking_events, outcomes
from servicedesk.domain import matchmaking as rules
from servicedesk.service_layer.unit_of_work import UowFactory

COLUMNS = {
    "events_held": "对接活动（场）",
    "enterprises_helped": "服务企业（家）",
    "projects_signed": "签约项目（个）",
    "signed_yuan": "签约金额（元）",
    "loans_granted": "发放贷款（笔）",
    "loan_yuan": "贷款金额（元）",
    "people_placed": "引进安置人才（人）",
    "outcomes_completed": "已落地成果（项）",
    "outcomes_fallen_through": "未落实成果（项）",
}


def figures(uow_factory: UowFactory, principal: Principal, year: int, unit: str | None) -> dict:
    unit = unit or principal.unit
    if not principal.sees(unit):
        raise InvalidInput("统计范围超出您的管辖范围", "The unit is outside your scope", field="unit")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    mine = matchmaking_events.c.unit_code.like(units.scope_prefix(unit) + "%")
    with uow_factory() as uow:
        held = uow.session.execute(
            sa.select(matchmaking_events.c.unit_code).where(mine, matchmaking_events.c.held_on.between(start, end))
        ).scalars()
        agreed = uow.session.execute(
            sa.select(
                matchmaking_events.c.unit_code,
                outcomes.c.kind,
                outcomes.c.enterprise,
                outcomes.c.amount_fen,
                outcomes.c.people_placed,
                outcomes.c.state,
            )
            .join(outcomes, outcomes.c.event_id == matchmaking_events.c.id)
            .where(mine, outcomes.c.agreed_on.between(start, end))
        ).mappings()
        tallies: dict[str, _Tally] = {}
        for code in held:
            tallies.setdefault(_below(unit, code), _Tally()).events += 1
        for row in agreed:
            tallies.setdefault(_below(unit, row["unit_code"]), _Tally()).add(row)
    total = _Tally()
    for tally in tallies.values():
        total.merge(tally)
    return {
        "year": year,
        "unit": unit,
        **total.figures(),
        "summary_zh": total.summary_zh(),
        "by_unit": [{"unit_code": code, **tallies[code].figures()} for code in sorted(tallies)],
    }


def figures_xlsx(uow_factory: UowFactory, principal: Principal, year: int, unit: str | None) -> tuple[str, bytes]:
    data = figures(uow_factory, principal, year, unit)
    rows = [[r["unit_code"], *(r[k] for k in COLUMNS)] for r in data["by_unit"]]
    rows.append(["合计", *(data[k] for k in COLUMNS)])
    return f"matchmaking-{data['unit']}-{year}.xlsx", write_xlsx(["单位代码", *COLUMNS.values()], rows, "对接成果")


def _below(unit: str, code: str) -> str:
    """The unit directly below ``unit`` that holds ``code`` (``unit`` itself for its own events)."""
    while code != unit and units.parent(code) not in (unit, None):
        code = units.parent(code)
    return code


class _Tally:
    def __init__(self) -> None:
        self.events = 0
        self.enterprises: set[str] = set()
        self.projects = self.signed = self.loans = self.lent = self.people = self.completed = self.fallen = 0

    def add(self, row) -> None:
        if not rules.counts(row["kind"], row["state"]):
            self.fallen += 1
            return
        self.enterprises.add("".join(row["enterprise"].split()))
        self.completed += row["state"] == "completed"
        self.people += row["people_placed"] or 0
        if row["kind"] == "project_signed":
            self.projects, self.signed = self.projects + 1, self.signed + row["amount_fen"]
        elif row["kind"] == "loan_granted":
            self.loans, self.lent = self.loans + 1, self.lent + row["amount_fen"]

    def merge(self, other: _Tally) -> None:
        self.events += other.events
        self.enterprises |= other.enterprises
        for name in ("projects", "signed", "loans", "lent", "people", "completed", "fallen"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> dict:
        return {
            "events_held": self.events,
            "enterprises_helped": len(self.enterprises),
            "projects_signed": self.projects,
            "signed_yuan": rules.yuan(self.signed),
            "loans_granted": self.loans,
            "loan_yuan": rules.yuan(self.lent),
            "people_placed": self.people,
            "outcomes_completed": self.completed,
            "outcomes_fallen_through": self.fallen,
        }

    def summary_zh(self) -> str:
        return (
            f"服务企业{len(self.enterprises)}家，签约项目{self.projects}个、金额{rules.yuan(self.signed)}元，"
            f"发放贷款{self.loans}笔、{rules.yuan(self.lent)}元，引进安置人才{self.people}人"
        )
