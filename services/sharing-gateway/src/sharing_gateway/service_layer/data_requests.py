"""An agency's data requests (申请), as the agency makes and follows them with its API key.

An application names catalogue items (event type and fields), a purpose, a legal basis, a region
inside its policy's region (at most the city's) and the last day it needs them. Items the catalogue
classes 不予共享 refuse the whole application at once (nothing stored); items its policy in force
already sends are pointed out and left out; unconditional items are granted at once (a new policy
version); conditional ones wait for a gateway admin's answer on the working-day deadlines
(``domain.data_requests``). An agency sees only its own requests: another agency's is, to it, a
request that does not exist. A retried application with the same ``Idempotency-Key`` is the same
request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from chassis import units
from chassis.catalogue import SharingClass, items_by_key
from chassis.errors import Conflict, InvalidInput, NotFound
from chassis.sla_clock import SlaClock
from chassis.work_calendar import CST, WorkCalendar
from sharing_gateway.adapters.data_request_tables import data_requests
from sharing_gateway.domain import data_requests as lifecycle
from sharing_gateway.domain import grants as rule
from sharing_gateway.domain.policy import Policy
from sharing_gateway.service_layer import data_grants, ledger
from sharing_gateway.service_layer.unit_of_work import UnitOfWork, UowFactory

LEDGER = "cn.tongxin.gateway.data_request."
LONGEST = dt.timedelta(days=366)


def by_agency(agency: str) -> str:
    return f"agency:{agency}"


def record(uow: UnitOfWork, row: Mapping, step: str, version: str, by: str, facts: dict | None = None) -> None:
    """One step of a data request in the disclosure ledger."""
    ledger.append_administration(
        uow, row["agency"], LEDGER + step, f"{row['id']}:{step}", {"request_id": row["id"], **(facts or {})},
        version, by,
    )  # fmt: skip


def apply(
    uow_factory: UowFactory,
    policies: Mapping[str, Policy],
    calendar: WorkCalendar,
    agency: str,
    body: Mapping[str, Any],
    idempotency_key: str | None,
    now: dt.datetime | None = None,
) -> tuple[dict, bool]:
    """Record an application; returns (the request, whether it is new)."""
    now = now or dt.datetime.now(dt.UTC)
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()
    try:
        return _apply(uow_factory, policies, calendar, agency, body, idempotency_key, digest, now)
    except sa.exc.IntegrityError:
        if not idempotency_key:
            raise
        # the same key, sent twice at once: the other call made the request; answer as a retry
        return _apply(uow_factory, policies, calendar, agency, body, idempotency_key, digest, now)


def _apply(
    uow_factory: UowFactory,
    policies: Mapping[str, Policy],
    calendar: WorkCalendar,
    agency: str,
    body: Mapping[str, Any],
    idempotency_key: str | None,
    digest: str,
    now: dt.datetime,
) -> tuple[dict, bool]:
    with uow_factory() as uow:
        if idempotency_key:
            known = _row(uow, agency, idempotency_key=idempotency_key)
            if known is not None:
                if known["body_digest"] != digest:
                    raise Conflict("该幂等键已用于另一项申请", "This Idempotency-Key was used for another application")
                return shown(known, calendar, now, to_agency=True), False
        policy = data_grants.effective_one(uow, policies, agency)
        items = _checked(body, policy, now)
        # Already sent: what the policy file sends for good. A field sent only by a grant may be asked for
        # again before the grant ends (a renewal), so the feed has no gap when it does.
        pending, at_once, already = _sorted_items(items, policies[agency], body["region"])
        if not pending and not at_once:
            raise Conflict(
                "所申请的数据项均已共享给本机构", "Every item asked for is already shared with you", already=already
            )
        row = dict(
            id=str(uuid.uuid4()), agency=agency, idempotency_key=idempotency_key, body_digest=digest,
            items=pending, granted_at_once=at_once, already_granted=already, purpose=body["purpose"],
            legal_basis=body["legal_basis"], region=body["region"], ends_on=body["ends_on"],
            state=lifecycle.SUBMITTED if pending else lifecycle.GRANTED, reviewed=False, submitted_at=now,
            answered_at=None if pending else now, question=None, information=None, decision=None,
            admin_request_id=None, review_escalated_at=None, answer_escalated_at=None,
        )  # fmt: skip
        clock = SlaClock(dt.timedelta(0), now if pending else None)
        row.update(clock.columns(), due_at=lifecycle.due(clock, row["state"], calendar))
        uow.session.execute(data_requests.insert(), row)
        facts = {"items": pending, "region": row["region"], "ends_on": str(row["ends_on"]), "already": already}
        record(uow, row, "applied", policy.version_label, by_agency(agency), facts)
        if at_once:
            end = rule.ends_at(body["ends_on"])
            region, purpose = row["region"], row["purpose"]
            version = data_grants.add(uow, policies, agency, row["id"], at_once, region, purpose, end, now)
            record(uow, row, "granted_unconditional", version, by_agency(agency), {"items": at_once})
        uow.commit()
        return shown(row, calendar, now, to_agency=True), True


def _checked(body: Mapping[str, Any], policy: Policy, now: dt.datetime) -> list[dict]:
    catalogue = items_by_key()
    unknown = [f"{i['event']}.{f}" for i in body["items"] for f in i["fields"] if (i["event"], f) not in catalogue]
    if unknown:
        raise InvalidInput("目录中没有这些数据项", "These items are not in the catalogue", items=unknown)
    refused = [
        f"{i['event']}.{f}"
        for i in body["items"]
        for f in i["fields"]
        if catalogue[(i["event"], f)].sharing is SharingClass.NOT_SHARED
    ]
    if refused:
        raise InvalidInput(
            "这些数据项在共享目录中为不予共享，不能申请", "These items are classed not_shared and cannot be requested",
            items=refused,
        )  # fmt: skip
    region = body["region"]
    try:
        units.check(region)
    except Exception:
        raise InvalidInput("区域须为12位行政区划代码", "region must be a 12-digit admin unit code") from None
    if not units.in_subtree(policy.region, region):
        raise InvalidInput(
            "申请区域超出本机构可申请的范围", "The region is outside what your agency may ask for", region=region
        )
    today = now.astimezone(CST).date()
    if not today <= body["ends_on"] <= today + LONGEST:
        raise InvalidInput("截止日期须在今天至一年之内", "ends_on must be between today and a year from now")
    merged: dict[str, list[str]] = {}
    for i in body["items"]:
        merged.setdefault(i["event"], [])
        merged[i["event"]] += [f for f in i["fields"] if f not in merged[i["event"]]]
    return [{"event": e, "fields": f} for e, f in merged.items()]


def _sorted_items(items: list[dict], policy: Policy, region: str) -> tuple[list[dict], list[dict], list[dict]]:
    """(conditional items to answer, unconditional items granted at once, items already sent)."""
    catalogue = items_by_key()
    pending: list[dict] = []
    at_once: list[dict] = []
    already: list[dict] = []
    for item in items:
        event = item["event"]
        sent = [f for f in item["fields"] if rule.grants_already(policy, event, f, region)]
        rest = [f for f in item["fields"] if f not in sent]
        free = [f for f in rest if catalogue[(event, f)].sharing is SharingClass.UNCONDITIONAL]
        for bucket, fields in ((already, sent), (at_once, free), (pending, [f for f in rest if f not in free])):
            if fields:
                bucket.append({"event": event, "fields": fields})
    return pending, at_once, already


def _row(uow: UnitOfWork, agency: str | None, request_id: str | None = None, idempotency_key: str | None = None):
    query = sa.select(data_requests)
    if agency is not None:
        query = query.where(data_requests.c.agency == agency)
    if request_id is not None:
        query = query.where(data_requests.c.id == request_id)
    if idempotency_key is not None:
        query = query.where(data_requests.c.idempotency_key == idempotency_key)
    return uow.session.execute(query).mappings().first()


def shown(row: Mapping, calendar: WorkCalendar, now: dt.datetime, to_agency: bool = False) -> dict:
    """A request as the API shows it (never the digest of the body). The dry run attached to a decision
    is for the gateway admins: an agency does not learn what it would have received unless it is granted."""
    out = {k: v for k, v in row.items() if k not in ("body_digest", "clock_used_s", "clock_since")}
    if to_agency and out.get("decision"):
        out["decision"] = {k: v for k, v in out["decision"].items() if k != "dry_run"}
    clock = SlaClock.of(row)
    out["working_days_used"] = round(clock.used(calendar, now).total_seconds() / 86400, 2)
    out["escalated"] = [d for d in ("review", "answer") if row[f"{d}_escalated_at"] is not None]
    return out


def own(uow_factory: UowFactory, calendar: WorkCalendar, agency: str, request_id: str | None = None):
    """The agency's requests (newest first), or one of them; another agency's is 404."""
    now = dt.datetime.now(dt.UTC)
    with uow_factory() as uow:
        if request_id is not None:
            row = _row(uow, agency, request_id=request_id)
            if row is None:
                raise NotFound("没有这项数据申请", "No such data request")
            return shown(row, calendar, now, to_agency=True)
        query = sa.select(data_requests).where(data_requests.c.agency == agency)
        rows = uow.session.execute(query.order_by(data_requests.c.submitted_at.desc())).mappings()
        return [shown(r, calendar, now, to_agency=True) for r in rows]


def supply_information(
    uow_factory: UowFactory, policies: Mapping[str, Policy], calendar: WorkCalendar, agency: str,
    request_id: str, information: str,
) -> dict:  # fmt: skip
    """The agency answers the gateway admin's question: the clock restarts with what is left."""
    now = dt.datetime.now(dt.UTC)
    with uow_factory() as uow:
        row = _row(uow, agency, request_id=request_id)
        if row is None:
            raise NotFound("没有这项数据申请", "No such data request")
        after = lifecycle.next_state(row["state"], "supply_information", row["reviewed"])
        if after is None:
            raise Conflict("该申请没有在等待补充材料", "The request is not waiting for information", state=row["state"])
        clock = lifecycle.moved_clock(SlaClock.of(row), after, calendar, now)
        due = lifecycle.due(clock, after, calendar)
        values = dict(state=after, information=information, **clock.columns(), due_at=due)
        uow.session.execute(data_requests.update().where(data_requests.c.id == request_id).values(**values))
        version = data_grants.effective_one(uow, policies, agency).version_label
        record(uow, row, "information_supplied", version, by_agency(agency))
        uow.commit()
        return shown({**row, **values}, calendar, now, to_agency=True)
