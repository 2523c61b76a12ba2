"""Evaluation rounds: draft > open > scoring_closed > reviewed > published, and their outcomes.

Opening a round fixes its cohort from the local view of people (representatives in
the round's unit subtree, optionally narrowed to categories or bodies) and keeps the
index template version it started with. Closing computes the outcomes (``results``); a veto
change recomputes them for every round it touches, at any later state.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from chassis import units
from chassis.auth import Principal
from chassis.contracts.evaluation import ROUND_CLOSED, ROUND_OPENED, ROUND_PUBLISHED
from chassis.errors import Conflict, Forbidden, InvalidInput, NotFound
from evaluation.adapters.tables import members, outcomes, people, ratings, rounds
from evaluation.service_layer import results, templates
from evaluation.service_layer.unit_of_work import UnitOfWork, UowFactory

STATES = ("draft", "open", "scoring_closed", "reviewed", "published")
NEXT = {"open": "draft", "close": "open", "review": "scoring_closed", "publish": "reviewed"}
TARGET = {"open": "open", "close": "scoring_closed", "review": "reviewed", "publish": "published"}
ANNOUNCED = {"open": ROUND_OPENED, "close": ROUND_CLOSED, "publish": ROUND_PUBLISHED}
MANAGE_ROLES = ("evaluator",)
#: Reviewing and publishing are a separate duty (``admin`` does not imply it), and two people:
#: the reviewer of a round does not publish it, and nobody who scored in it reviews or publishes it.
REVIEW_ROLES = ("reviewer",)


def create(uow_factory: UowFactory, principal: Principal, body: dict) -> dict:
    """A new draft round; returns it."""
    principal.require_role(*MANAGE_ROLES)
    unit = body.get("scope_unit") or principal.unit
    if not principal.sees(unit):
        raise InvalidInput("评价范围超出您的管辖范围", "The round's unit is outside your scope", field="scope_unit")
    if body["ends_on"] < body["starts_on"]:
        raise InvalidInput("结束日期早于开始日期", "ends_on is before starts_on", field="ends_on")
    with uow_factory() as uow:
        created = get_in(uow, principal, _create(uow, principal, body, unit))
        uow.commit()
        return created


def _create(uow: UnitOfWork, principal: Principal, body: dict, unit: str) -> str:
    template = templates.find_in(uow, body.get("template_code"), body.get("template_version"))
    policy = {
        "source_weights": {k: str(v) for k, v in body["source_weights"].items()},
        "missing_source": body["missing_source"],
        "bottom_share": str(body["bottom_share"]) if body.get("bottom_share") is not None else None,
        "bottom_count": body.get("bottom_count"),
    }
    results.policy_from_json(policy)  # validates
    round_id = str(uuid.uuid4())
    uow.session.execute(
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


def get(uow_factory: UowFactory, principal: Principal, round_id: str) -> dict:
    with uow_factory() as uow:
        return get_in(uow, principal, round_id)


def readable_by(principal: Principal, scope_unit: str) -> bool:
    """Staff see rounds of their subtree, and rounds above them (reports then show only their rows)."""
    return principal.sees(scope_unit) or units.in_subtree(scope_unit, principal.unit)


def get_in(uow: UnitOfWork, principal: Principal, round_id: str) -> dict:
    row = uow.rounds.get(round_id)
    if row is None or not readable_by(principal, row["scope_unit"]):
        raise NotFound("未找到该评价轮次", "No such round")
    return row


def listing(uow_factory: UowFactory, principal: Principal) -> list[dict]:
    """Rounds the caller can see (its subtree and the units above it), newest first."""
    with uow_factory() as uow:
        rows = uow.session.execute(sa.select(rounds).order_by(rounds.c.created_at.desc())).mappings().all()
    return [dict(r) for r in rows if readable_by(principal, r["scope_unit"])]


def transition(uow_factory: UowFactory, principal: Principal, round_id: str, action: str) -> dict:
    """Move a round on (open, close, review, publish); returns it as it now stands."""
    principal.require_role(*(REVIEW_ROLES if action in ("review", "publish") else MANAGE_ROLES))
    with uow_factory() as uow:
        r = _transition(uow, principal, round_id, action)
        uow.commit()
        return r


def _transition(uow: UnitOfWork, principal: Principal, round_id: str, action: str) -> dict:
    session = uow.session
    r = get_in(uow, principal, round_id)
    principal.require_scope(r["scope_unit"])  # a round of a unit above the caller is theirs to read only
    if action in ("review", "publish"):
        _require_second_person(uow, principal, r, action)
    if r["state"] != NEXT[action]:
        raise Conflict(
            f"当前状态为“{r['state']}”，不能执行“{action}”",
            f"Cannot {action} a round in state {r['state']}",
            state=r["state"],
        )
    if action == "open":
        _fix_cohort(uow, r)
    reviewed = {"reviewed_by": principal.subject} if action == "review" else {}
    session.execute(
        rounds.update()
        .where(rounds.c.id == round_id)
        .values(state=TARGET[action], version=r["version"] + 1, **reviewed)
    )
    r = get_in(uow, principal, round_id)
    if action == "close":
        results.recompute(uow, r)
    if action == "publish":
        size = results.cohort_size(uow, round_id)
        for o in session.execute(sa.select(outcomes).where(outcomes.c.round_id == round_id)).mappings().all():
            results.announce_score(uow, r, o, size)
    if action in ANNOUNCED:
        uow.emit(ANNOUNCED[action], round_id, _round_data(uow, r))
    return r


def _require_second_person(uow: UnitOfWork, principal: Principal, r: dict, action: str) -> None:
    scored = uow.session.execute(
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


def _fix_cohort(uow: UnitOfWork, r: dict) -> None:
    prefix = units.scope_prefix(r["scope_unit"])
    rows = uow.session.execute(
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
    uow.session.execute(
        members.insert(),
        [dict(round_id=r["id"], person_id=p["person_id"], name=p["name"], unit_code=p["unit_code"]) for p in chosen],
    )


def _round_data(uow: UnitOfWork, r: dict) -> dict:
    size = results.cohort_size(uow, r["id"])
    return {
        "round_id": r["id"],
        "name": r["name"],
        "scope_unit": r["scope_unit"],
        "state": r["state"],
        "cohort_size": size,
        "starts_on": r["starts_on"].isoformat(),
        "ends_on": r["ends_on"].isoformat(),
    }
