"""Gateway admins answer agencies' data requests (答复), and the worker escalates the late ones.

A gateway admin at the level of the agency's policy region or above reviews a request (受理/合规审查),
may ask the agency for more information (the clock pauses until it answers), and answers: refuse
with a reason (changes nothing), or approve or narrow it (fewer fields, a smaller region, an earlier
end). Approving or narrowing changes the agency's policy, so, like every policy change, it is carried
out only when a second gateway admin approves it (``approvals.GRANT_DATA``; ``data_grants.carry_out``).
Staff with a reading role (admin, auditor, gateway admin) see the requests of the agencies whose
region their unit contains; another region's request is, to them, one that does not exist.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from chassis import units
from chassis.auth import Principal
from chassis.errors import Conflict, InvalidInput, NotFound
from chassis.sla_clock import SlaClock
from chassis.work_calendar import WorkCalendar
from sharing_gateway.adapters.data_request_tables import data_requests
from sharing_gateway.domain import data_requests as lifecycle
from sharing_gateway.domain import grants as grants_rule
from sharing_gateway.domain.policy import Policy
from sharing_gateway.service_layer import agencies as agency_service
from sharing_gateway.service_layer import approvals, data_grants
from sharing_gateway.service_layer.data_requests import record, shown
from sharing_gateway.service_layer.unit_of_work import UnitOfWork, UowFactory

log = logging.getLogger(__name__)
NOT_FOUND = ("没有这项数据申请", "No such data request")


def visible(uow_factory: UowFactory, policies: Mapping[str, Policy], calendar: WorkCalendar, principal: Principal,
            request_id: str | None = None):  # fmt: skip
    """The requests of the agencies a reader sees (newest first), or one of them."""
    shown_to = agency_service.visible(principal, dict(policies))
    now = dt.datetime.now(dt.UTC)
    with uow_factory() as uow:
        query = sa.select(data_requests).where(data_requests.c.agency.in_(list(shown_to)))
        if request_id is not None:
            row = uow.session.execute(query.where(data_requests.c.id == request_id)).mappings().first()
            if row is None:
                raise NotFound(*NOT_FOUND)
            return shown(row, calendar, now)
        rows = uow.session.execute(query.order_by(data_requests.c.submitted_at.desc())).mappings()
        return [shown(r, calendar, now) for r in rows]


def _administered(uow: UnitOfWork, policies: Mapping[str, Policy], principal: Principal, request_id: str) -> dict:
    principal.require_role(agency_service.ROLE)
    row = uow.session.execute(sa.select(data_requests).where(data_requests.c.id == request_id)).mappings().first()
    if row is None or row["agency"] not in policies or not principal.sees(policies[row["agency"]].region):
        raise NotFound(*NOT_FOUND)  # the same for a made-up id and another region's
    agency_service.authorise(principal, dict(policies), row["agency"])
    return dict(row)


def _move(uow: UnitOfWork, calendar: WorkCalendar, row: dict, action: str, now: dt.datetime, **values) -> dict:
    """One step of the lifecycle, guarded by the state it was taken from (two admins at once: one wins)."""
    refused = Conflict("该申请当前状态不允许这一步", "The request's state does not allow this step", state=row["state"])
    after = lifecycle.next_state(row["state"], action, row["reviewed"])
    if after is None:
        raise refused
    clock = lifecycle.moved_clock(SlaClock.of(row), after, calendar, now)
    values = dict(state=after, **values, **clock.columns(), due_at=lifecycle.due(clock, after, calendar))
    if after in (lifecycle.REFUSED, lifecycle.GRANTED):
        values["answered_at"] = now
    moved = uow.session.execute(
        data_requests.update()
        .where(data_requests.c.id == row["id"], data_requests.c.state == row["state"])
        .values(**values)
    ).rowcount
    if moved != 1:
        raise refused
    return {**row, **values}


def act(
    uow_factory: UowFactory,
    policies: Mapping[str, Policy],
    calendar: WorkCalendar,
    principal: Principal,
    request_id: str,
    action: str,
    body: Mapping[str, Any],
) -> dict:
    """``review`` (the compliance review passed) or ``ask_information`` (``question``: the clock pauses)."""
    now = dt.datetime.now(dt.UTC)
    with uow_factory() as uow:
        row = _administered(uow, policies, principal, request_id)
        if action == "review":
            moved = _move(uow, calendar, row, action, now, reviewed=True)
            step, facts = "reviewed", {}
        else:
            moved = _move(uow, calendar, row, action, now, question=body["question"])
            step, facts = "information_requested", {}
        version = data_grants.effective_one(uow, policies, row["agency"]).version_label
        record(uow, row, step, version, principal.subject, facts)
        uow.commit()
        return shown(moved, calendar, now)


def decide(
    uow_factory: UowFactory,
    policies: Mapping[str, Policy],
    calendar: WorkCalendar,
    principal: Principal,
    request_id: str,
    body: Mapping[str, Any],
) -> dict:
    """Refuse (with a reason in Chinese: answered, nothing changes), or approve or narrow: proposed to
    a second gateway admin (``admin_request_id``), who carries it out."""
    now = dt.datetime.now(dt.UTC)
    with uow_factory() as uow:
        row = _administered(uow, policies, principal, request_id)
        version = data_grants.effective_one(uow, policies, row["agency"]).version_label
        if body["outcome"] == "refuse":
            decision = {"outcome": "refused", "reason_zh": body["reason_zh"]}
            moved = _move(uow, calendar, row, "refuse", now, decision=decision)
            if row.get("admin_request_id"):  # refused while its approval waited: the approval goes too
                approvals.withdraw(uow, row["admin_request_id"])
            record(uow, row, "refused", version, principal.subject, {"reason_zh": body["reason_zh"]})
            uow.commit()
            return shown(moved, calendar, now)
        decision = _granted(row, body, now)
        if row["state"] != lifecycle.REVIEWED:
            raise Conflict("须先完成合规审查", "The compliance review comes first", state=row["state"])
        asked = approvals.ask(uow, policies, principal, row["agency"], approvals.GRANT_DATA, data_request_id=request_id)
        moved = _move(uow, calendar, row, "propose", now, decision=decision, admin_request_id=asked["id"])
        record(uow, row, "proposed", version, principal.subject, {k: decision[k] for k in ("outcome", "items",
               "region", "ends_on")})  # fmt: skip
        uow.commit()
        return shown(moved, calendar, now)


def _granted(row: Mapping, body: Mapping[str, Any], now: dt.datetime) -> dict:
    """What an approval grants: the request as asked, or (narrowed) a subset of its items, a region
    inside its region and an end no later than its end."""
    asked = {i["event"]: i["fields"] for i in row["items"]}
    items = body.get("items") or row["items"]
    wider = [f"{i['event']}.{f}" for i in items for f in i["fields"] if f not in asked.get(i["event"], ())]
    if wider:
        raise InvalidInput("只能批准所申请的数据项", "Only items the agency asked for can be granted", items=wider)
    region = body.get("region") or row["region"]
    if not units.is_code(region):  # a trailing newline or other scripts' digits are not codes
        raise InvalidInput("区域须为12位行政区划代码", "The region must be a 12-digit admin-unit code", field="region")
    if not units.in_subtree(row["region"], region):
        raise InvalidInput("批准区域须在申请区域之内", "The region granted must lie inside the region asked for")
    ends_on = body.get("ends_on") or row["ends_on"]
    if ends_on > row["ends_on"]:
        raise InvalidInput("批准期限不能长于所申请的期限", "The end granted cannot be later than the end asked for")
    if grants_rule.ends_at(ends_on) <= now:
        raise InvalidInput("批准期限不能早于今天", "The end granted cannot be before today", field="ends_on")
    items = [{"event": i["event"], "fields": list(i["fields"])} for i in items if i["fields"]]
    narrowed = items != row["items"] or region != row["region"] or ends_on != row["ends_on"]
    return {
        "outcome": "narrowed" if narrowed else "approved",
        "items": items,
        "region": region,
        "ends_on": ends_on.isoformat(),
    }


def escalate_overdue(uow_factory: UowFactory, calendar: WorkCalendar, policies: Mapping[str, Policy],
                     now: dt.datetime | None = None) -> int:  # fmt: skip
    """Escalate each open request past its review or answer deadline, once per deadline (the worker)."""
    now = now or dt.datetime.now(dt.UTC)
    escalated = 0
    with uow_factory() as uow:
        rows = uow.session.execute(sa.select(data_requests).where(data_requests.c.state.in_(lifecycle.OPEN))).mappings()
        for row in list(rows):
            missed = lifecycle.overdue(SlaClock.of(row), row["state"], calendar, now)
            if missed is None or row[f"{missed}_escalated_at"] is not None:
                continue
            column = f"{missed}_escalated_at"
            done = uow.session.execute(
                data_requests.update()
                .where(data_requests.c.id == row["id"], getattr(data_requests.c, column).is_(None))
                .values({column: now})
            ).rowcount
            if done != 1:
                continue
            version = data_grants.effective_one(uow, policies, row["agency"]).version_label
            record(uow, row, "escalated", version, data_grants.WORKER, {"deadline": missed})
            log.warning("data request past its %s deadline, escalated", missed, extra={"data_request_id": row["id"]})
            escalated += 1
        uow.commit()
    return escalated
