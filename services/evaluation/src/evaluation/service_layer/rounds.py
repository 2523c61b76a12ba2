"""Evaluation rounds: draft > open > scoring_closed > reviewed > published, and their outcomes.

Opening a round fixes its cohort from the local view of people (representatives in
the round's unit subtree, optionally narrowed to categories or bodies) and keeps the
index template version it started with. Closing computes the outcomes; a veto
change recomputes them for every round it touches, at any later state.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis import units
from chassis.auth import Principal
from chassis.errors import Conflict, Forbidden, InvalidInput, NotFound
from chassis.outbox import Outbox
from chassis.spreadsheets import write_xlsx
from evaluation.adapters.tables import (
    decisions,
    meetings,
    members,
    outbox,
    outcomes,
    people,
    ratings,
    rounds,
    violations,
)
from evaluation.domain.scoring import Policy, Rating, evaluate
from evaluation.service_layer import templates
from evaluation.service_layer.templates import template_from_json

SOURCE = "/tongxin/evaluation"
EVENT = "cn.tongxin.evaluation."
STATES = ("draft", "open", "scoring_closed", "reviewed", "published")
NEXT = {"open": "draft", "close": "open", "review": "scoring_closed", "publish": "reviewed"}
TARGET = {"open": "open", "close": "scoring_closed", "review": "reviewed", "publish": "published"}
MANAGE_ROLES = ("evaluator",)
#: Reviewing and publishing are a separate duty (``admin`` does not imply it), and two people:
#: the reviewer of a round does not publish it, and nobody who scored in it reviews or publishes it.
REVIEW_ROLES = ("reviewer",)


def events() -> Outbox:
    return Outbox(outbox, SOURCE)


def policy_from_json(d: dict) -> Policy:
    return Policy(
        {k: Decimal(v) for k, v in d["source_weights"].items()},
        d["missing_source"],
        Decimal(d["bottom_share"]) if d.get("bottom_share") is not None else None,
        d.get("bottom_count"),
    )


def create(session: Session, principal: Principal, body: dict) -> str:
    principal.require_role(*MANAGE_ROLES)
    unit = body.get("scope_unit") or principal.unit
    if not principal.sees(unit):
        raise InvalidInput("评价范围超出您的管辖范围", "The round's unit is outside your scope", field="scope_unit")
    if body["ends_on"] < body["starts_on"]:
        raise InvalidInput("结束日期早于开始日期", "ends_on is before starts_on", field="ends_on")
    template = templates.find(session, body.get("template_code"), body.get("template_version"))
    policy = {
        "source_weights": {k: str(v) for k, v in body["source_weights"].items()},
        "missing_source": body["missing_source"],
        "bottom_share": str(body["bottom_share"]) if body.get("bottom_share") is not None else None,
        "bottom_count": body.get("bottom_count"),
    }
    policy_from_json(policy)  # validates
    round_id = str(uuid.uuid4())
    session.execute(
        rounds.insert(),
        dict(
            id=round_id,
            name=body["name"],
            scope_unit=unit,
            cohort_filter={"categories": body.get("categories") or [], "bodies": body.get("bodies") or []},
            template=templates.template_to_json(template),
            policy=policy,
            starts_on=body["starts_on"],
            ends_on=body["ends_on"],
            deadline=body.get("deadline"),
            state="draft",
            created_by=principal.subject,
            created_at=dt.datetime.now(dt.UTC),
            version=1,
        ),
    )
    return round_id


def get(session: Session | sa.Connection, principal: Principal, round_id: str) -> dict:
    row = session.execute(sa.select(rounds).where(rounds.c.id == round_id)).mappings().first()
    # Staff see rounds of their subtree, and rounds above them (reports then show only their rows).
    if row is None or not (principal.sees(row["scope_unit"]) or units.in_subtree(row["scope_unit"], principal.unit)):
        raise NotFound("未找到该评价轮次", "No such round")
    return dict(row)


def listing(session, principal: Principal) -> list[dict]:
    """Rounds the caller can see (its subtree and the units above it), newest first."""
    rows = session.execute(sa.select(rounds).order_by(rounds.c.created_at.desc())).mappings()
    return [
        dict(r) for r in rows if principal.sees(r["scope_unit"]) or units.in_subtree(r["scope_unit"], principal.unit)
    ]


def transition(session: Session, principal: Principal, round_id: str, action: str) -> dict:
    principal.require_role(*(REVIEW_ROLES if action in ("review", "publish") else MANAGE_ROLES))
    r = get(session, principal, round_id)
    principal.require_scope(r["scope_unit"])  # a round of a unit above the caller is theirs to read only
    if action in ("review", "publish"):
        _require_second_person(session, principal, r, action)
    if r["state"] != NEXT[action]:
        raise Conflict(
            f"当前状态为“{r['state']}”，不能执行“{action}”",
            f"Cannot {action} a round in state {r['state']}",
            state=r["state"],
        )
    if action == "open":
        _fix_cohort(session, r)
    reviewed = {"reviewed_by": principal.subject} if action == "review" else {}
    session.execute(
        rounds.update()
        .where(rounds.c.id == round_id)
        .values(state=TARGET[action], version=r["version"] + 1, **reviewed)
    )
    r = get(session, principal, round_id)
    if action == "close":
        recompute(session, r)
    if action == "publish":
        size = _cohort_size(session, round_id)
        for o in session.execute(sa.select(outcomes).where(outcomes.c.round_id == round_id)).mappings():
            _scored_event(session, r, o, size)
    name = {"open": "opened", "close": "closed", "publish": "published"}.get(action)
    if name:
        events().add(session, f"{EVENT}round.{name}.v1", round_id, _round_data(session, r))
    return r


def _require_second_person(session: Session, principal: Principal, r: dict, action: str) -> None:
    scored = session.execute(
        sa.select(ratings.c.id).where(ratings.c.round_id == r["id"], ratings.c.rater == principal.subject).limit(1)
    ).first()
    if scored:
        raise Forbidden(
            "您在本轮评价中打过分，不能审核或发布本轮结果",
            "You scored in this round; someone else reviews and publishes it",
        )
    if action == "publish" and r.get("reviewed_by") == principal.subject:
        raise Forbidden(
            "审核人不能发布同一轮评价结果，须由另一名审核人发布",
            "The reviewer of a round cannot also publish it; a second reviewer publishes",
        )


def _fix_cohort(session: Session, r: dict) -> None:
    prefix = units.scope_prefix(r["scope_unit"])
    rows = session.execute(
        sa.select(people).where(
            people.c.unit_code.like(prefix + "%"), people.c.status == "active", people.c.is_representative.is_(True)
        )
    ).mappings()
    wanted_cats, wanted_bodies = set(r["cohort_filter"]["categories"]), set(r["cohort_filter"]["bodies"])
    chosen = [
        p
        for p in rows
        if (not wanted_cats or wanted_cats & set(p["categories"]))
        and (not wanted_bodies or wanted_bodies & {role["body"] for role in p["representative_roles"]})
    ]
    if not chosen:
        raise Conflict("该范围内没有符合条件的代表人士，无法开启评价", "No representatives match the round's cohort")
    session.execute(
        members.insert(),
        [dict(round_id=r["id"], person_id=p["person_id"], name=p["name"], unit_code=p["unit_code"]) for p in chosen],
    )


def vetoed_people(session: Session, r: dict) -> dict[str, str]:
    """person id -> violation id, for violations in force that occurred during the round's period."""
    rows = session.execute(
        sa.select(violations.c.person_id, violations.c.id).where(
            violations.c.status == "in_force",
            violations.c.person_id.is_not(None),
            violations.c.occurred_on >= r["starts_on"],
            violations.c.occurred_on <= r["ends_on"],
            violations.c.person_id.in_(sa.select(members.c.person_id).where(members.c.round_id == r["id"])),
        )
    )
    return {pid: vid for pid, vid in rows}


def recompute(session: Session, r: dict) -> dict[str, dict]:
    """Score the round again from its ratings and vetoes; returns the new outcomes by person."""
    cohort = {
        m.person_id: m.unit_code
        for m in session.execute(
            sa.select(members.c.person_id, members.c.unit_code).where(members.c.round_id == r["id"])
        )
    }
    by_person: dict[str, list[Rating]] = {}
    for row in session.execute(
        sa.select(ratings.c.person_id, ratings.c.source, ratings.c.scores, ratings.c.flagged).where(
            ratings.c.round_id == r["id"]
        )
    ):
        by_person.setdefault(row.person_id, []).append(
            Rating(row.source, {k: Decimal(v) for k, v in row.scores.items()}, row.flagged)
        )
    result = evaluate(
        template_from_json(r["template"]),
        policy_from_json(r["policy"]),
        cohort,
        by_person,
        set(vetoed_people(session, r)),
    )
    session.execute(outcomes.delete().where(outcomes.c.round_id == r["id"]))
    now = dt.datetime.now(dt.UTC)
    rows = [
        dict(
            round_id=r["id"],
            person_id=o.person_id,
            unit_code=cohort[o.person_id],
            official=o.source_scores["official"],
            self_score=o.source_scores["self"],
            public=o.source_scores["public"],
            composite=o.composite,
            rank=o.rank,
            status=o.status,
            computed_at=now,
        )
        for o in result
    ]
    if rows:
        session.execute(outcomes.insert(), rows)
    return {row["person_id"]: row for row in rows}


def _cohort_size(session: Session, round_id: str) -> int:
    return session.execute(sa.select(sa.func.count()).where(members.c.round_id == round_id)).scalar()


def _scored_event(session: Session, r: dict, o, size: int) -> None:
    text = lambda v: None if v is None else str(Decimal(v).quantize(Decimal("0.01")))  # noqa: E731
    events().add(
        session,
        f"{EVENT}person.scored.v1",
        o["person_id"],
        {
            "round_id": r["id"],
            "person_id": o["person_id"],
            "unit_code": o["unit_code"],
            "composite": text(o["composite"]),
            "official": text(o["official"]),
            "self": text(o["self_score"]),
            "public": text(o["public"]),
            "rank": o["rank"],
            "cohort_size": size,
            "status": o["status"],
        },
    )


def _round_data(session: Session, r: dict) -> dict:
    size = _cohort_size(session, r["id"])
    return {
        "round_id": r["id"],
        "name": r["name"],
        "scope_unit": r["scope_unit"],
        "state": r["state"],
        "cohort_size": size,
        "starts_on": r["starts_on"].isoformat(),
        "ends_on": r["ends_on"].isoformat(),
    }


def report(conn: sa.Connection | Session, principal: Principal, round_id: str) -> dict:
    """The ranked list with every component score, flag and joint-meeting decision, within the caller's scope."""
    r = get(conn, principal, round_id)
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


def report_xlsx(conn: sa.Connection | Session, principal: Principal, round_id: str) -> tuple[str, bytes]:
    """The same report as a spreadsheet (file name, bytes), with Chinese headings."""
    data = report(conn, principal, round_id)

    def cells(row: dict) -> list:
        values = [row[key] for _, key in REPORT_COLUMNS]
        values[-1] = STATUS_ZH.get(row["status"], row["status"])
        decided = [f"{d['body']}：{DECISION_ZH.get(d['decision'], d['decision'])}" for d in row["decisions"]]
        return [*(float(v) if isinstance(v, Decimal) else v for v in values), decided]

    body = write_xlsx([h for h, _ in REPORT_COLUMNS] + ["联席评价决定"], (cells(r) for r in data["rows"]), "评价结果")
    return f"evaluation-{round_id[:8]}.xlsx", body
