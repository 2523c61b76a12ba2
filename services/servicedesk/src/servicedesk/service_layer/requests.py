"""Service requests (诉求): opening, moving through the lifecycle, the SLA clocks, reading.

Each change is one transaction that updates the request (guarded by its version),
appends to its history and stages its event in the outbox. The resolution clock runs
from submission to resolution except while the request waits on the member or a
third party; the response clock runs from submission to acceptance. Both count
working days only (``servicedesk.domain.calendar``).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis import sensitive, units
from chassis.auth import Principal
from chassis.errors import Conflict, InvalidInput, NotFound
from chassis.masking import mask_name
from chassis.outbox import Outbox
from chassis.paging import decode_cursor, encode_cursor
from servicedesk.adapters.tables import categories, outbox, people, request_history, requests
from servicedesk.domain import lifecycle
from servicedesk.domain.calendar import WorkCalendar

SOURCE = "/tongxin/servicedesk"
EVENT = "cn.tongxin.servicedesk."
DAY_S = 86400
#: The urgent summary leaves for public security: this long at most (the API takes no more either),
#: with ID-number and phone patterns masked whatever staff typed.
URGENT_SUMMARY_LIMIT = 200

#: The categories a fresh installation starts with; staff add or change them later.
DEFAULT_CATEGORIES = [
    ("school_enrollment", "子女入学", "Children's school enrollment"),
    ("financing", "融资贷款", "Financing"),
    ("recruitment", "招聘用工", "Recruitment"),
    ("legal", "法律服务", "Legal help"),
    ("medical", "医疗健康", "Medical"),
    ("policy", "政策咨询", "Policy question"),
    ("other", "其他", "Other"),
]
#: Working days to first response and to resolution, by priority.
DEFAULT_SLA = {
    "normal": {"response_days": "2", "resolution_days": "15"},
    "high": {"response_days": "1", "resolution_days": "7"},
    "urgent": {"response_days": "0.25", "resolution_days": "2"},
}


def events() -> Outbox:
    return Outbox(outbox, SOURCE)


def seed_categories(conn: sa.Connection) -> None:
    known = set(conn.execute(sa.select(categories.c.code)).scalars())
    rows = [
        dict(code=c, name_zh=zh, name_en=en, sla=DEFAULT_SLA, active=True)
        for c, zh, en in DEFAULT_CATEGORIES
        if c not in known
    ]
    if rows:
        conn.execute(categories.insert(), rows)


def _budget(sla: dict, priority: str, clock: str) -> dt.timedelta:
    return dt.timedelta(days=float(Decimal(str(sla[priority][f"{clock}_days"]))))


def _person(session: Session, person_id: str) -> dict:
    row = session.execute(sa.select(people).where(people.c.person_id == person_id)).mappings().first()
    if row is None:
        raise InvalidInput("登记库中没有此人，不能提出诉求", "No such person in the registry", field="person_id")
    if row["status"] != "active":
        raise Conflict("此人已归档，不能提出新的诉求", "The person is archived; no new requests", field="person_id")
    return dict(row)


def open_request(session: Session, principal: Principal, body: dict, calendar: WorkCalendar, now: dt.datetime) -> str:
    principal.require_role("editor")
    person = _person(session, body["person_id"])
    if not principal.sees(person["unit_code"]):
        raise InvalidInput("此人不在您的管辖范围内", "The person is outside your scope", field="person_id")
    handling = body.get("handling_unit") or person["unit_code"]
    if not principal.sees(handling):
        raise InvalidInput("承办单位超出您的管辖范围", "The handling unit is outside your scope", field="handling_unit")
    category = session.execute(sa.select(categories).where(categories.c.code == body["category"])).mappings().first()
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
        response_due_at=calendar.add_working_time(now, _budget(category["sla"], priority, "response")),
        resolution_due_at=calendar.add_working_time(now, _budget(category["sla"], priority, "resolution")),
        clock_used_s=0.0,
        clock_since=now,
        escalations=0,
        version=1,
    )
    session.execute(requests.insert(), row)
    _history(session, row, principal.subject, "submit", None, "submitted", body.get("note"), now)
    events().add(session, f"{EVENT}request.opened.v1", request_id, _event_data(row, None, now))
    if row["urgent"]:
        events().add(
            session,
            f"{EVENT}incident.urgent.v1",
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
    return request_id


def _visible(principal: Principal, row) -> bool:
    return principal.sees(row["unit_code"]) or principal.sees(row["handling_unit"])


def get(session: Session | sa.Connection, principal: Principal, request_id: str) -> dict:
    row = session.execute(sa.select(requests).where(requests.c.id == request_id)).mappings().first()
    if row is None or not _visible(principal, row):
        raise NotFound("未找到该诉求", "No such request")
    return dict(row)


def view(session: Session | sa.Connection, principal: Principal, request_id: str, calendar: WorkCalendar) -> dict:
    row = get(session, principal, request_id)
    history = session.execute(
        sa.select(request_history).where(request_history.c.request_id == request_id).order_by(request_history.c.id)
    ).mappings()
    return {**_with_clock(row, calendar), "history": [dict(h) for h in history]}


def _with_clock(row: dict, calendar: WorkCalendar, now: dt.datetime | None = None) -> dict:
    now = now or dt.datetime.now(dt.UTC)
    used = row["clock_used_s"]
    if row["clock_since"] is not None:
        used += calendar.working_time(_aware(row["clock_since"]), now).total_seconds()
    return {
        **{k: _aware(v) if isinstance(v, dt.datetime) else v for k, v in row.items()},
        "allowed_actions": lifecycle.allowed_actions(row["state"]),
        "clock_running": row["clock_since"] is not None,
        "working_days_used": round(used / DAY_S, 2),
        "breached": bool(row["response_breached_at"] or row["resolution_breached_at"]),
    }


def transition(
    session: Session,
    principal: Principal,
    request_id: str,
    action: str,
    body: dict,
    calendar: WorkCalendar,
    now: dt.datetime,
) -> dict:
    principal.require_role("editor")
    row = get(session, principal, request_id)
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
            "关闭前请记录诉求人的满意度（1–5）", "Record the member's satisfaction (1-5) to close", field="satisfaction"
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
    changes.update(_clock(session, row, target, calendar, now))
    done = session.execute(
        requests.update().where(requests.c.id == request_id, requests.c.version == row["version"]).values(**changes)
    ).rowcount
    if done != 1:
        raise Conflict("诉求已被他人更新，请刷新后重试", "The request changed meanwhile; reload and retry")
    row.update(changes)
    _history(session, row, principal.subject, action, before, target, note, now)
    kind = {"resolve": "resolved", "close": "closed"}.get(action, "status_changed")
    events().add(session, f"{EVENT}request.{kind}.v1", request_id, _event_data(row, before, now))
    return _with_clock(row, calendar, now)


def _clock(session: Session, row: dict, target: str, calendar: WorkCalendar, now: dt.datetime) -> dict:
    """Pause or stop the resolution clock (banking the working time used), or restart it
    with what is left of the budget, for a move to ``target``."""
    running = row["clock_since"] is not None
    should_run = target in lifecycle.OPEN_STATES and target != "waiting"
    if running and not should_run:
        used = row["clock_used_s"] + calendar.working_time(_aware(row["clock_since"]), now).total_seconds()
        return {"clock_used_s": used, "clock_since": None, "resolution_due_at": None}
    if should_run and not running:
        sla = session.execute(sa.select(categories.c.sla).where(categories.c.code == row["category"])).scalar_one()
        left = _budget(sla, row["priority"], "resolution") - dt.timedelta(seconds=row["clock_used_s"])
        due = calendar.add_working_time(now, left) if left > dt.timedelta(0) else now
        return {"clock_since": now, "resolution_due_at": due}
    return {}


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _history(session, row: dict, actor: str, action: str, before, after: str, note, now) -> None:
    session.execute(
        request_history.insert(),
        dict(
            request_id=row["id"],
            at=now,
            actor=actor,
            action=action,
            from_state=before,
            to_state=after,
            handling_unit=row["handling_unit"],
            note=note,
        ),
    )


def _event_data(row: dict, previous: str | None, now: dt.datetime) -> dict:
    return {
        "request_id": row["id"],
        "person_id": row["person_id"],
        "unit_code": row["unit_code"],
        "handling_unit": row["handling_unit"],
        "category": row["category"],
        "priority": row["priority"],
        "state": row["state"],
        "previous_state": previous,
        "at": now.isoformat(),
        "satisfaction": row.get("satisfaction"),
    }


def search(conn: sa.Connection, principal: Principal, filters: dict, limit: int, cursor: str | None) -> dict:
    """A page of requests in the caller's scope, newest first, filtered by state, category,
    priority, breach, handling unit or person; keyset-paginated."""
    prefix = principal.scope_prefix
    query = sa.select(requests).where(
        sa.or_(requests.c.unit_code.like(prefix + "%"), requests.c.handling_unit.like(prefix + "%"))
    )
    for field in ("state", "category", "priority", "person_id"):
        if filters.get(field):
            query = query.where(requests.c[field] == filters[field])
    if filters.get("handling_unit"):
        query = query.where(requests.c.handling_unit.like(units.scope_prefix(filters["handling_unit"]) + "%"))
    if filters.get("breached") is not None:
        breached = sa.or_(requests.c.response_breached_at.is_not(None), requests.c.resolution_breached_at.is_not(None))
        query = query.where(breached if filters["breached"] else sa.not_(breached))
    if filters.get("urgent") is not None:
        query = query.where(requests.c.urgent.is_(bool(filters["urgent"])))
    if cursor:
        after_created, after_id = decode_cursor(cursor, 2)
        after = dt.datetime.fromisoformat(after_created)
        query = query.where(
            sa.or_(requests.c.created_at < after, sa.and_(requests.c.created_at == after, requests.c.id < after_id))
        )
    rows = conn.execute(query.order_by(requests.c.created_at.desc(), requests.c.id.desc()).limit(limit + 1)).mappings()
    rows = [dict(r) for r in rows]
    now = dt.datetime.now(dt.UTC)
    calendar = filters["calendar"]
    items = [_with_clock(r, calendar, now) for r in rows[:limit]]
    last = rows[limit - 1] if len(rows) > limit else None
    next_cursor = encode_cursor(_aware(last["created_at"]).isoformat(), last["id"]) if last else None
    return {"items": items, "next_cursor": next_cursor}


def sweep(session: Session, calendar: WorkCalendar, now: dt.datetime, batch: int = 500) -> int:
    """Flag requests past their response or resolution time, escalate each to the next unit
    up and publish the breach. Each clock breaches at most once per request."""
    found = 0
    for clock, due, flag, states in (
        ("response", requests.c.response_due_at, requests.c.response_breached_at, ("submitted",)),
        ("resolution", requests.c.resolution_due_at, requests.c.resolution_breached_at, lifecycle.OPEN_STATES),
    ):
        late = session.execute(
            sa.select(requests)
            .where(requests.c.state.in_(states), due.is_not(None), due < now, flag.is_(None))
            .order_by(due)
            .limit(batch)
        ).mappings()
        for row in [dict(r) for r in late]:
            was = row["handling_unit"]
            up = units.parent(was) or was
            if units.level(up) in ("province", "city"):
                up = was  # the county is the top of the department's hierarchy
            claimed = session.execute(
                requests.update()
                .where(requests.c.id == row["id"], flag.is_(None))  # another sweeper may have been first
                .values({flag.name: now, "handling_unit": up, "escalations": row["escalations"] + 1, "updated_at": now})
            ).rowcount
            if claimed != 1:
                continue
            row["handling_unit"] = up
            _history(session, row, "sla-clock", f"{clock}_breach", row["state"], row["state"], f"超时升级至 {up}", now)
            events().add(
                session,
                f"{EVENT}request.sla_breached.v1",
                row["id"],
                {
                    "request_id": row["id"],
                    "unit_code": row["unit_code"],
                    "clock": clock,
                    "due_at": _aware(row[due.name]).isoformat(),
                    "escalated_from": was,
                    "escalated_to": up,
                },
            )
            found += 1
    return found


def category_list(conn: sa.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.select(categories).order_by(categories.c.code)).mappings()]


def save_category(session: Session, principal: Principal, code: str, body: dict) -> dict:
    principal.require_role("admin")
    principal.require_department_wide()
    if not re.fullmatch(r"[a-z0-9_]{2,40}", code):
        raise InvalidInput(
            "类别代码须为2–40位小写字母、数字或下划线", "A category code is 2-40 of a-z, 0-9, _", field="code"
        )
    for priority in lifecycle.PRIORITIES:
        if priority not in body["sla"]:
            raise InvalidInput(f"缺少“{priority}”优先级的时限", f"SLA for priority {priority} missing", field="sla")
    sla = {p: {k: str(body["sla"][p][k]) for k in ("response_days", "resolution_days")} for p in lifecycle.PRIORITIES}
    row = dict(code=code, name_zh=body["name_zh"], name_en=body["name_en"], sla=sla, active=body["active"])
    if session.execute(sa.select(categories.c.code).where(categories.c.code == code)).first():
        session.execute(categories.update().where(categories.c.code == code).values(row))
    else:
        session.execute(categories.insert(), row)
    return row
