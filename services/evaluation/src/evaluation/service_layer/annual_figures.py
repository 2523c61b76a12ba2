"""The qualification loop's annual figures by unit (``domain.figures``), as JSON and as a spreadsheet.

Any member of staff reads them for their own subtree or a unit in it: meetings convened for a unit
of that subtree, and decisions on people who belonged to it when decided, in meetings held in
the year (China's calendar year, by the day each meeting was held).
"""

from __future__ import annotations

import sqlalchemy as sa

from chassis import units
from chassis.auth import Principal
from chassis.spreadsheets import write_xlsx
from evaluation.adapters.tables import decisions, meetings
from evaluation.domain import figures
from evaluation.service_layer.listing import in_year, scope_prefix
from evaluation.service_layer.unit_of_work import UowFactory


def annual(uow_factory: UowFactory, principal: Principal, year: int, unit: str | None) -> dict:
    """Meetings held, people reviewed, retained, talks, warnings and revocations in ``year``, per child
    unit of ``unit`` (default: the caller's) and in total."""
    with uow_factory() as uow:
        prefix = scope_prefix(principal, unit)
        unit = unit or principal.unit
        held = uow.session.execute(
            sa.select(meetings.c.scope_unit).where(
                meetings.c.scope_unit.like(prefix + "%"), in_year(meetings.c.held_on, year)
            )
        ).scalars()
        decided = uow.session.execute(
            sa.select(decisions.c.unit_code, decisions.c.person_id, decisions.c.decision)
            .join(meetings, meetings.c.id == decisions.c.meeting_id)
            .where(decisions.c.unit_code.like(prefix + "%"), in_year(meetings.c.held_on, year))
        ).all()
        tallied = figures.tally(
            units.level(unit), list(held), [figures.Decision(d.unit_code, d.person_id, d.decision) for d in decided]
        )
    return {"year": year, "unit": unit, **tallied}


COLUMNS = (
    ("联席评价会议（次）", "meetings_held"),
    ("评议人数", "people_reviewed"),
    ("决定（项）", "decisions"),
    ("保留", "retained"),
    ("约谈", "talks"),
    ("警示谈话", "warnings"),
    ("撤销资格", "revoked"),
)


def annual_xlsx(uow_factory: UowFactory, principal: Principal, year: int, unit: str | None) -> tuple[str, bytes]:
    """The same figures as a spreadsheet (file name, bytes), with Chinese headings and a total row."""
    data = annual(uow_factory, principal, year, unit)
    rows = [[r["unit_code"], *(r[key] for _, key in COLUMNS)] for r in data["rows"]]
    rows.append(["合计", *(data["total"][key] for _, key in COLUMNS)])
    body = write_xlsx(["单位代码", *(h for h, _ in COLUMNS)], rows, f"{year}年联席评价统计")
    return f"qualification-figures-{year}-{data['unit']}.xlsx", body
