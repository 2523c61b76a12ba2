"""Service requests (诉求): opening, moving through the lifecycle, the SLA clocks, reading.

Each change is one transaction that updates the request (guarded by its version),
appends to its history and stages its event in the outbox. The resolution clock runs
from submission to resolution except while the request waits on the member or a
third party; the response clock runs from submission to acceptance. Both count
working days only (``chassis.work_calendar``).
"""

from __future__ import annotations

import datetime as dt
import uuid

from chassis import sensitive
from chassis.auth import Principal
from chassis.contracts.servicedesk import (
    REQUEST_CLOSED,
    REQUEST_OPENED,
    REQUEST_RESOLVED,
    REQUEST_STATUS_CHANGED,
    URGENT_INCIDENT,
)
from chassis.errors import Conflict, InvalidInput, NotFound
from chassis.masking import mask_name
from chassis.sla_clock import SlaClock
from chassis.work_calendar import WorkCalendar
from servicedesk.domain import lifecycle, sla_clock
from servicedesk.service_layer import history
from servicedesk.service_layer.categories import budget
from servicedesk.service_layer.history import aware
from servicedesk.service_layer.unit_of_work import UnitOfWork, UowFactory

DAY_S = 86400
#: The urgent summary leaves for public security: this long at most (the API takes no more either),
#: with ID-number and phone patterns masked whatever staff typed.
URGENT_SUMMARY_LIMIT = 200


def _person(uow: UnitOfWork, person_id: str) -> dict:
    row = uow.requests.person(person_id)
    if row is None:
        raise InvalidInput("登记库中没有此人，不能提出诉求", "No such person in the registry", field="person_id")
    if row["status"] != "active":
        raise Conflict("此人已归档，不能提出新的诉求", "The person is archived; no new requests", field="person_id")
    return row


def open_request(
    uow_factory: UowFactory, principal: Principal, body: dict, calendar: WorkCalendar, now: dt.datetime
) -> str:
    principal.require_role("editor")
    with uow_factory() as uow:
        person = _person(uow, body["person_id"])
        if not principal.sees(person["unit_code"]):
            raise InvalidInput("此人不在您的管辖范围内", "The person is outside your scope", field="person_id")
        handling = body.get("handling_unit") or person["unit_code"]
        if not principal.sees(handling):
            raise InvalidInput(
                "承办单位超出您的管辖范围", "The handling unit is outside your scope", field="handling_unit"
            )
        category = uow.requests.category(body["category"])
        if category is None or not category["active"]:
            raise InvalidInput("诉求类别无效", "Unknown or retired request category", field="category")
        if body.get("urgent") and not body.get("urgent_summary"):
            raise InvalidInput(
                "紧急事项须附一句不含个人信息的摘要，供应急联动使用",
                "An urgent matter needs a short summary without personal details, for emergency coordination",
                field="urgent_summary",
            )
        priority = "urgent" if body.get("urgent") else body["priority"]
        request_id = str(uuid.uuid4())
        row = dict(
            id=request_id,
            person_id=person["person_id"],
            unit_code=person["unit_code"],
            handling_unit=handling,
            handler=None,
            category=body["category"],
            priority=priority,
            urgent=bool(body.get("urgent")),
            title=body["title"],
            description=body["description"],
            channel=body["channel"],
            state="submitted",
            created_at=now,
            updated_at=now,
            response_due_at=calendar.add_working_time(now, budget(category["sla"], priority, "response")),
            resolution_due_at=calendar.add_working_time(now, budget(category["sla"], priority, "resolution")),
            clock_used_s=0.0,
            clock_since=now,
            escalations=0,
            version=1,
        )
        uow.requests.add(row)
        history.record(uow, row, principal.subject, "submit", None, "submitted", body.get("note"), now)
        uow.emit(REQUEST_OPENED, request_id, history.event_data(row, None, now))
        if row["urgent"]:
            uow.emit(
                URGENT_INCIDENT,
                request_id,
                {
                    "request_id": request_id,
                    "person_id": person["person_id"],
                    "name_masked": mask_name(person["name"]),
                    "unit_code": person["unit_code"],
                    "category": body["category"],
                    "summary": sensitive.mask_free_text(body["urgent_summary"], URGENT_SUMMARY_LIMIT),
                    "reported_at": now.isoformat(),
                },
            )
        uow.commit()
        return request_id


def _visible(principal: Principal, row) -> bool:
    return principal.sees(row["unit_code"]) or principal.sees(row["handling_unit"])


def get(uow_factory: UowFactory, principal: Principal, request_id: str) -> dict:
    with uow_factory() as uow:
        return get_in(uow, principal, request_id)


def get_in(uow: UnitOfWork, principal: Principal, request_id: str) -> dict:
    row = uow.requests.get(request_id)
    if row is None or not _visible(principal, row):
        raise NotFound("未找到该诉求", "No such request")
    return row


def view(
    uow_factory: UowFactory, principal: Principal, request_id: str, calendar: WorkCalendar, now: dt.datetime
) -> dict:
    with uow_factory() as uow:
        row = get_in(uow, principal, request_id)
        return {**with_clock(row, calendar, now), "history": uow.requests.history(request_id)}


def with_clock(row: dict, calendar: WorkCalendar, now: dt.datetime) -> dict:
    """A request as the API shows it: with its allowed moves and where its clock stands."""
    clock = SlaClock.of(row)
    used = clock.used(calendar, now)
    return {
        **{k: aware(v) if isinstance(v, dt.datetime) else v for k, v in row.items()},
        "allowed_actions": lifecycle.allowed_actions(row["state"]),
        "clock_running": clock.running,
        "working_days_used": round(used.total_seconds() / DAY_S, 2),
        "breached": bool(row["response_breached_at"] or row["resolution_breached_at"]),
    }


def transition(
    uow_factory: UowFactory,
    principal: Principal,
    request_id: str,
    action: str,
    body: dict,
    calendar: WorkCalendar,
    now: dt.datetime,
) -> dict:
    principal.require_role("editor")
    with uow_factory() as uow:
        row = get_in(uow, principal, request_id)
        principal.require_scope(row["handling_unit"])  # after escalation, the unit below may read but not act
        try:
            target = lifecycle.next_state(row["state"], action)
        except lifecycle.IllegalMove:
            raise Conflict(
                f"诉求当前为“{row['state']}”，不能“{lifecycle.MOVES[action].zh}”",
                f"Cannot {action} a request that is {row['state']}",
                state=row["state"],
                allowed_actions=lifecycle.allowed_actions(row["state"]),
            ) from None
        note = (body.get("note") or "").strip() or None
        if lifecycle.MOVES[action].needs_note and not note:
            raise InvalidInput("请填写说明", f"{action} needs a note", field="note")
        if action == "close" and body.get("satisfaction") is None:
            raise InvalidInput(
                "关闭前请记录诉求人的满意度（1–5）",
                "Record the member's satisfaction (1-5) to close",
                field="satisfaction",
            )
        before = row["state"]
        changes: dict = {"state": target, "updated_at": now, "version": row["version"] + 1}
        if body.get("handler"):
            changes["handler"] = body["handler"]
        if action == "accept":
            changes["accepted_at"] = now
            changes["handler"] = body.get("handler") or principal.subject
        if action == "resolve":
            changes["resolved_at"] = now
        if action == "close":
            changes["closed_at"], changes["satisfaction"] = now, body["satisfaction"]
        changes.update(_clock(uow, row, target, calendar, now))
        if not uow.requests.update(request_id, row["version"], changes):
            raise Conflict("诉求已被他人更新，请刷新后重试", "The request changed meanwhile; reload and retry")
        row.update(changes)
        history.record(uow, row, principal.subject, action, before, target, note, now)
        kind = {"resolve": REQUEST_RESOLVED, "close": REQUEST_CLOSED}.get(action, REQUEST_STATUS_CHANGED)
        uow.emit(kind, request_id, history.event_data(row, before, now))
        uow.commit()
        return with_clock(row, calendar, now)


def _clock(uow: UnitOfWork, row: dict, target: str, calendar: WorkCalendar, now: dt.datetime) -> dict:
    """Pause or stop the resolution clock (banking the working time used), or restart it
    with what is left of the budget, for a move to ``target``: the changed columns."""
    clock = SlaClock.of(row)
    if clock.running and not sla_clock.runs_in(target):
        return {**clock.pause(calendar, now).columns(), "resolution_due_at": None}
    if sla_clock.runs_in(target) and not clock.running:
        sla = uow.requests.category(row["category"])["sla"]
        restarted = clock.start(now)
        return {
            **restarted.columns(),
            "resolution_due_at": restarted.due(budget(sla, row["priority"], "resolution"), calendar),
        }
    return {}
