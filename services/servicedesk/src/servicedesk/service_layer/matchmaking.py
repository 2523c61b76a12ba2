"""引资引智, 银企对接, 科技对接: matchmaking events, their participants and outcomes, as use cases.

An event belongs to its organising unit: staff whose subtree holds it record and follow up its
outcomes; nobody else learns it exists (404). An outcome's follow-up moves only as
``domain/matchmaking.MOVES`` allows (409 naming the allowed ones), guarded by its version; each
move is in its history and goes out on ``servicedesk.v1``. Money is integer fen inside and exact
yuan text outside.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.contracts.servicedesk import OUTCOME_CHANGED, OUTCOME_RECORDED
from chassis.errors import Conflict, InvalidInput, NotFound
from chassis.masking import mask_name
from servicedesk.adapters.community_tables import (
    matchmaking_events,
    matchmaking_participants,
    outcome_history,
    outcomes,
)
from servicedesk.adapters.tables import people
from servicedesk.domain import matchmaking as rules
from servicedesk.service_layer import corps
from servicedesk.service_layer.unit_of_work import UnitOfWork, UowFactory


def create_event(uow_factory: UowFactory, principal: Principal, body: dict) -> dict:
    principal.require_role("editor")
    with uow_factory() as uow:
        if not principal.sees(body["unit_code"]):
            raise InvalidInput("单位超出您的管辖范围", "The unit is outside your scope", field="unit_code")
        event_id = str(uuid.uuid4())
        uow.session.execute(
            matchmaking_events.insert(),
            dict(
                id=event_id,
                kind=body["kind"],
                unit_code=body["unit_code"],
                held_on=body["held_on"],
                title=body["title"],
                recorded_by=principal.subject,
                recorded_at=dt.datetime.now(dt.UTC),
            ),
        )
        for p in body["participants"]:
            if bool(p.get("organisation")) == bool(p.get("person_id")):
                raise InvalidInput(
                    "参与方须填写机构名称或人员编号之一",
                    "A participant is an organisation or a person id",
                    field="participants",
                )
            person_id = p.get("person_id") and corps.active_person(uow, principal, p["person_id"])["person_id"]
            uow.session.execute(
                matchmaking_participants.insert(),
                dict(event_id=event_id, role=p["role"], organisation=p.get("organisation"), person_id=person_id),
            )
        shown = event_in(uow, principal, event_id)
        uow.commit()
        return shown


def record_outcome(uow_factory: UowFactory, principal: Principal, event_id: str, body: dict) -> dict:
    principal.require_role("editor")
    with uow_factory() as uow:
        event = _event(uow, principal, event_id)
        amount = _amount(body)
        if body["kind"] == "people_placed" and not body.get("people_placed"):
            raise InvalidInput("请填写引进或安置人数", "people_placed is required", field="people_placed")
        if body["agreed_on"] < event["held_on"]:
            raise InvalidInput("成果日期早于对接活动", "agreed_on is before the event", field="agreed_on")
        now = dt.datetime.now(dt.UTC)
        row = dict(
            id=str(uuid.uuid4()),
            event_id=event_id,
            kind=body["kind"],
            enterprise=body["enterprise"].strip(),
            partner=body.get("partner"),
            amount_fen=amount,
            people_placed=body.get("people_placed"),
            agreed_on=body["agreed_on"],
            state="agreed",
            recorded_by=principal.subject,
            updated_at=now,
            version=1,
        )
        uow.session.execute(outcomes.insert(), row)
        _history(uow, row, principal.subject, None, body.get("note"), now)
        uow.emit(OUTCOME_RECORDED, row["id"], _event_data(event, row, None, now))
        shown = _outcome_shown(uow, row["id"])
        uow.commit()
        return shown


def move_outcome(uow_factory: UowFactory, principal: Principal, outcome_id: str, body: dict) -> dict:
    principal.require_role("editor")
    with uow_factory() as uow:
        row = uow.session.execute(sa.select(outcomes).where(outcomes.c.id == outcome_id)).mappings().first()
        event = _event(uow, principal, row["event_id"] if row else "", "未找到该对接成果", "No such outcome")
        try:
            target = rules.move(row["state"], body["state"])
        except rules.IllegalMove as e:
            raise Conflict(
                f"对接成果当前为“{rules.STATES[e.state]}”，不能改为该状态", str(e), state=e.state, allowed=e.allowed
            ) from None
        now = dt.datetime.now(dt.UTC)
        done = uow.session.execute(
            outcomes.update()
            .where(outcomes.c.id == outcome_id, outcomes.c.version == row["version"])
            .values(state=target, updated_at=now, version=row["version"] + 1)
        )
        if done.rowcount != 1:
            raise Conflict("该成果已被他人修改，请刷新后重试", "Someone else changed the outcome; reload and retry")
        moved = {**row, "state": target}
        _history(uow, moved, principal.subject, row["state"], body.get("note"), now)
        uow.emit(OUTCOME_CHANGED, outcome_id, _event_data(event, moved, row["state"], now))
        shown = _outcome_shown(uow, outcome_id)
        uow.commit()
        return shown


def event(uow_factory: UowFactory, principal: Principal, event_id: str) -> dict:
    with uow_factory() as uow:
        return event_in(uow, principal, event_id)


def event_in(uow: UnitOfWork, principal: Principal, event_id: str) -> dict:
    row = _event(uow, principal, event_id)
    session = uow.session
    who = session.execute(
        sa.select(
            matchmaking_participants.c.role,
            matchmaking_participants.c.organisation,
            matchmaking_participants.c.person_id,
            people.c.name,
            people.c.unit_code,
        )
        .join(people, people.c.person_id == matchmaking_participants.c.person_id, isouter=True)
        .where(matchmaking_participants.c.event_id == event_id)
        .order_by(matchmaking_participants.c.id)
    ).mappings()
    found = (
        session.execute(
            sa.select(outcomes).where(outcomes.c.event_id == event_id).order_by(outcomes.c.agreed_on, outcomes.c.id)
        )
        .mappings()
        .all()
    )
    listed = [_outcome_shown(uow, o["id"], o) for o in found]
    participants = [
        {
            "role": p["role"],
            "organisation": p["organisation"],
            "person_id": p["person_id"] if p["person_id"] and principal.sees(p["unit_code"]) else None,
            "name": _name_for(principal, p),
        }
        for p in who
    ]
    return {**row, "participants": participants, "outcomes": listed}


def _name_for(principal: Principal, participant) -> str | None:
    """A participating person's name, masked for staff whose scope does not hold the person (who
    are not given the person's id either)."""
    if participant["name"] is None:
        return None
    return participant["name"] if principal.sees(participant["unit_code"]) else mask_name(participant["name"])


def _outcome_shown(uow: UnitOfWork, outcome_id: str, row=None) -> dict:
    """An outcome with its amount as exact yuan text and its follow-up history."""
    session = uow.session
    row = row or session.execute(sa.select(outcomes).where(outcomes.c.id == outcome_id)).mappings().one()
    history = session.execute(
        sa.select(
            outcome_history.c.at,
            outcome_history.c.actor,
            outcome_history.c.from_state,
            outcome_history.c.to_state,
            outcome_history.c.note,
        )
        .where(outcome_history.c.outcome_id == outcome_id)
        .order_by(outcome_history.c.id)
    ).mappings()
    amount = None if row["amount_fen"] is None else rules.yuan(row["amount_fen"])
    return {**row, "amount_yuan": amount, "history": [dict(h) for h in history]}


def event_list(uow_factory: UowFactory, principal: Principal, args: dict) -> dict:
    with uow_factory() as uow:
        query = sa.select(matchmaking_events).where(matchmaking_events.c.unit_code.like(principal.scope_prefix + "%"))
        if args.get("year"):
            query = query.where(
                matchmaking_events.c.held_on.between(dt.date(args["year"], 1, 1), dt.date(args["year"], 12, 31))
            )
        if args.get("kind"):
            query = query.where(matchmaking_events.c.kind == args["kind"])
        total = uow.session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar()
        rows = uow.session.execute(
            query.order_by(matchmaking_events.c.held_on.desc(), matchmaking_events.c.id)
            .limit(args["limit"])
            .offset(args["offset"])
        ).mappings()
        return {"items": [dict(r) for r in rows], "total": total}


def _event(uow: UnitOfWork, principal: Principal, event_id: str, zh="未找到该对接活动", en="No such event") -> dict:
    row = (
        uow.session.execute(sa.select(matchmaking_events).where(matchmaking_events.c.id == event_id)).mappings().first()
    )
    if row is None or not principal.sees(row["unit_code"]):
        raise NotFound(zh, en)
    return dict(row)


def _amount(body: dict) -> int | None:
    text = body.get("amount_yuan")
    if body["kind"] not in rules.NEEDS_AMOUNT:
        if text is not None:
            raise InvalidInput("人才引进成果不填金额", "people_placed outcomes carry no amount", field="amount_yuan")
        return None
    try:
        return rules.to_fen(text)
    except rules.BadAmount as e:
        raise InvalidInput(
            "金额须为正数，以字符串表示，最多两位小数（分）", f"amount_yuan: {e}", field="amount_yuan"
        ) from None


def _history(uow: UnitOfWork, row: dict, actor: str, before: str | None, note: str | None, at: dt.datetime) -> None:
    uow.session.execute(
        outcome_history.insert(),
        dict(outcome_id=row["id"], at=at, actor=actor, from_state=before, to_state=row["state"], note=note),
    )


def _event_data(event: dict, row: dict, previous: str | None, now: dt.datetime) -> dict:
    return {
        "outcome_id": row["id"],
        "matchmaking_id": event["id"],
        "matchmaking_kind": event["kind"],
        "unit_code": event["unit_code"],
        "kind": row["kind"],
        "enterprise": row["enterprise"],
        "amount_fen": row["amount_fen"],
        "people_placed": row["people_placed"],
        "agreed_on": row["agreed_on"].isoformat(),
        "state": row["state"],
        "previous_state": previous,
        "at": now.isoformat(),
    }
