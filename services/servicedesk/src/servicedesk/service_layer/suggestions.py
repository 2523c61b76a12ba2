"""The suggestions mailbox (建言献策信箱).

Anyone leaves a suggestion for an area, anonymously (no account, so it names nobody);
staff forward each to a department,
answer it and mark it adopted or not. The sender gets a receipt code once (only its
hash is kept) and follows the suggestion with it, without an account.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid

import sqlalchemy as sa

from chassis import units
from chassis.auth import Principal
from chassis.contracts.servicedesk import SUGGESTION_ADOPTED, SUGGESTION_ANSWERED, SUGGESTION_RECEIVED
from chassis.errors import Conflict, NotFound
from servicedesk.adapters.tables import suggestions
from servicedesk.service_layer.unit_of_work import UnitOfWork, UowFactory

EVENT_FOR = {"received": SUGGESTION_RECEIVED, "answered": SUGGESTION_ANSWERED, "adopted": SUGGESTION_ADOPTED}


def _hash(receipt: str) -> str:
    return hashlib.sha256(receipt.strip().upper().encode()).hexdigest()


def _event(uow: UnitOfWork, row: dict, kind: str, now: dt.datetime) -> None:
    uow.emit(
        EVENT_FOR[kind],
        row["id"],
        {
            "suggestion_id": row["id"],
            "unit_code": row["unit_code"],
            "topic": row["topic"],
            "department": row.get("department"),
            "adopted": row.get("adopted"),
            "at": now.isoformat(),
        },
    )


def submit(uow_factory: UowFactory, body: dict, now: dt.datetime) -> dict:
    """An anonymous suggestion for an area (``unit_code``). It names nobody: the public endpoint
    cannot tell who is asking, so it must not let anyone write in a member's name."""
    with uow_factory() as uow:
        session = uow.session
        unit = units.check(body["unit_code"])
        receipt = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(12))
        row = dict(
            id=str(uuid.uuid4()),
            receipt_hash=_hash(receipt),
            person_id=None,
            unit_code=unit,
            topic=body["topic"],
            content=body["content"],
            state="received",
            received_at=now,
        )
        session.execute(suggestions.insert(), row)
        _event(uow, row, "received", now)
        uow.commit()
        return {"id": row["id"], "receipt_code": receipt, "state": "received"}


def track(uow_factory: UowFactory, receipt: str) -> dict:
    """What the sender may see of a suggestion, by its receipt code."""
    with uow_factory() as uow:
        session = uow.session
        row = (
            session.execute(sa.select(suggestions).where(suggestions.c.receipt_hash == _hash(receipt)))
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound("回执码无效", "No suggestion has this receipt code")
        return {k: row[k] for k in ("topic", "state", "department", "answer", "adopted", "received_at", "answered_at")}


def get(uow_factory: UowFactory, principal: Principal, suggestion_id: str) -> dict:
    """One suggestion in the caller's scope."""
    with uow_factory() as uow:
        return get_in(uow, principal, suggestion_id)


def get_in(uow: UnitOfWork, principal: Principal, suggestion_id: str) -> dict:
    session = uow.session
    row = session.execute(sa.select(suggestions).where(suggestions.c.id == suggestion_id)).mappings().first()
    if row is None or not principal.sees(row["unit_code"]):
        raise NotFound("未找到该建议", "No such suggestion")
    return {k: v for k, v in row.items() if k != "receipt_hash"}


def listing(uow_factory: UowFactory, principal: Principal, state: str | None, limit: int, offset: int) -> dict:
    """A page of suggestions in the caller's scope, newest first."""
    with uow_factory() as uow:
        conn = uow.session
        query = sa.select(suggestions).where(suggestions.c.unit_code.like(principal.scope_prefix + "%"))
        if state:
            query = query.where(suggestions.c.state == state)
        total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar()
        rows = conn.execute(query.order_by(suggestions.c.received_at.desc()).limit(limit).offset(offset)).mappings()
        return {"items": [{k: v for k, v in r.items() if k != "receipt_hash"} for r in rows], "total": total}


def act(
    uow_factory: UowFactory, principal: Principal, suggestion_id: str, action: str, body: dict, now: dt.datetime
) -> dict:
    """forward (to a department), answer (the reply to the sender), adopt (adopted true/false)."""
    principal.require_role("editor")
    with uow_factory() as uow:
        session = uow.session
        row = get_in(uow, principal, suggestion_id)
        if action == "forward":
            if row["state"] == "answered":
                raise Conflict("该建议已答复", "The suggestion has been answered")
            changes = {"state": "forwarded", "department": body["department"]}
        elif action == "answer":
            if row["state"] != "forwarded":
                raise Conflict("请先转交相关部门", "Forward the suggestion to a department first", state=row["state"])
            changes = {"state": "answered", "answer": body["answer"], "answered_at": now}
        else:
            if row["state"] != "answered":
                raise Conflict("答复后才能标记是否采纳", "Answer the suggestion before marking it adopted")
            changes = {"adopted": bool(body["adopted"])}
        changes["updated_by"] = principal.subject
        session.execute(suggestions.update().where(suggestions.c.id == suggestion_id).values(changes))
        row.update(changes)
        if action != "forward":  # forwarding is internal routing; the answer and the adoption are news
            _event(uow, row, {"answer": "answered", "adopt": "adopted"}[action], now)
        uow.commit()
        return row
