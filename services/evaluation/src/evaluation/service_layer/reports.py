"""A round's report: the ranked list with every component score, flag and joint-meeting decision,
as JSON and as a spreadsheet, within the caller's scope."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.spreadsheets import write_xlsx
from evaluation.adapters.tables import decisions, meetings, members, outcomes
from evaluation.service_layer.rounds import get_in
from evaluation.service_layer.unit_of_work import UnitOfWork, UowFactory


def report(uow_factory: UowFactory, principal: Principal, round_id: str) -> dict:
    """The ranked list with every component score, flag and joint-meeting decision, within the caller's scope."""
    with uow_factory() as uow:
        return _report(uow, principal, round_id)


def _report(uow: UnitOfWork, principal: Principal, round_id: str) -> dict:
    conn = uow.session
    r = get_in(uow, principal, round_id)
    rows = (
        conn.execute(
            sa.select(outcomes, members.c.name)
            .join(
                members, sa.and_(members.c.round_id == outcomes.c.round_id, members.c.person_id == outcomes.c.person_id)
            )
            .where(outcomes.c.round_id == round_id, outcomes.c.unit_code.like(principal.scope_prefix + "%"))
            .order_by(outcomes.c.rank.is_(None), outcomes.c.rank, outcomes.c.person_id)
        )
        .mappings()
        .all()
    )
    decided: dict[str, list[dict]] = {}
    for d in conn.execute(
        sa.select(decisions.c.person_id, decisions.c.body, decisions.c.decision, meetings.c.held_on)
        .join(meetings, meetings.c.id == decisions.c.meeting_id)
        .where(meetings.c.round_id == round_id)
        .order_by(meetings.c.held_on, decisions.c.decided_at)
    ).mappings():
        decided.setdefault(d["person_id"], []).append(
            {"body": d["body"], "decision": d["decision"], "held_on": d["held_on"]}
        )
    return {"round": r, "rows": [{**row, "decisions": decided.get(row["person_id"], [])} for row in rows]}


REPORT_COLUMNS = (
    ("名次", "rank"),
    ("姓名", "name"),
    ("单位代码", "unit_code"),
    ("官评", "official"),
    ("自评", "self_score"),
    ("民评", "public"),
    ("综合得分", "composite"),
    ("结果", "status"),
)
STATUS_ZH = {"ranked": "正常", "bottom": "末位", "vetoed": "一票否决", "incomplete": "评价来源不全"}
DECISION_ZH = {
    "retain": "保留",
    "talk": "约谈",
    "warning": "警示谈话",
    "revoke_membership_recommendation": "撤销政协委员推荐",
    "revoke_recommendation_eligibility": "取消被推荐资格",
}


def report_xlsx(uow_factory: UowFactory, principal: Principal, round_id: str) -> tuple[str, bytes]:
    """The same report as a spreadsheet (file name, bytes), with Chinese headings."""
    data = report(uow_factory, principal, round_id)

    def cells(row: dict) -> list:
        values = [row[key] for _, key in REPORT_COLUMNS]
        values[-1] = STATUS_ZH.get(row["status"], row["status"])
        decided = [f"{d['body']}：{DECISION_ZH.get(d['decision'], d['decision'])}" for d in row["decisions"]]
        return [*(float(v) if isinstance(v, Decimal) else v for v in values), decided]

    body = write_xlsx([h for h, _ in REPORT_COLUMNS] + ["联席评价决定"], (cells(r) for r in data["rows"]), "评价结果")
    return f"evaluation-{round_id[:8]}.xlsx", body
