"""Stability reports (涉稳信息反馈): staff report a matter, read it with its timeline, move it on.

Each change is one transaction that writes the report (guarded by its version), appends to its
timeline (who, when, what) and, for a severe report, stages ``stability.severe_reported`` for
public security's feed, with where, when, how many and the summary staff wrote for the police:
never the category or who is involved (``chassis.contracts.stability``). Staff of the report's
unit and above see and act on it; anyone else gets the 404 of a report that does not exist.
"""

from __future__ import annotations

import datetime as dt
import uuid

from chassis import sensitive
from chassis.auth import Principal
from chassis.contracts.stability import SEVERE_REPORTED
from chassis.errors import Conflict, InvalidInput, NotFound
from servicedesk.adapters.stability_repository import StabilityRepository
from servicedesk.domain import stability
from servicedesk.service_layer.history import aware
from servicedesk.service_layer.unit_of_work import UnitOfWork, UowFactory

#: What public security receives of the summary: this long at most (the API takes no more either).
POLICE_SUMMARY_LIMIT = 200
#: A report may be filed a little ahead of the clock of the device it was typed on, not more.
CLOCK_SKEW = dt.timedelta(minutes=10)
#: Who may read reports: the category is sensitive, so not every viewer.
READERS = ("editor", "auditor")


def report(uow_factory: UowFactory, principal: Principal, body: dict, now: dt.datetime) -> str:
    principal.require_role("editor")
    if not principal.sees(body["unit_code"]):
        raise InvalidInput("事发单位超出您的管辖范围", "The unit is outside your scope", field="unit_code")
    if aware(body["occurred_at"]) > now + CLOCK_SKEW:
        raise InvalidInput("发生时间不能晚于现在", "The time it happened cannot be in the future", field="occurred_at")
    severe = stability.shared_with_police(body["severity"])
    _require_police_summary(severe, body)
    with uow_factory() as uow:
        person_ids = _people_in_scope(uow, principal, body["person_ids"])
        report_id = str(uuid.uuid4())
        row = dict(
            id=report_id,
            unit_code=body["unit_code"],
            place=body["place"],
            occurred_at=body["occurred_at"],
            category=body["category"],
            severity=body["severity"],
            summary=body["summary"],
            police_summary=sensitive.mask_free_text(body["police_summary"], POLICE_SUMMARY_LIMIT) if severe else None,
            person_ids=person_ids,
            others_count=body["others_count"],
            state="received",
            reported_by=principal.subject,
            reported_at=now,
            updated_at=now,
            closed_at=None,
            shared_at=now if severe else None,
            police_reference=None,
            version=1,
        )
        repo = StabilityRepository(uow.session)
        repo.add(row)
        _record(repo, report_id, principal.subject, "report", None, "received", None, now)
        if severe:
            uow.emit(SEVERE_REPORTED, report_id, _for_police(row))
        uow.commit()
        return report_id


def _require_police_summary(severe: bool, body: dict) -> None:
    if severe and not (body.get("police_summary") or "").strip():
        raise InvalidInput(
            "重大涉稳信息须附一段不含个人信息的摘要，供公安应急联动使用",
            "A severe report needs a summary without personal details for public security",
            field="police_summary",
        )


def escalate(uow_factory: UowFactory, principal: Principal, report_id: str, body: dict, now: dt.datetime) -> dict:
    """Raise an open report's severity (never lower it); one raised to severe goes to public
    security's feed then, as if it had been reported severe."""
    principal.require_role("editor")
    severe = stability.shared_with_police(body["severity"])
    with uow_factory() as uow:
        repo = StabilityRepository(uow.session)
        row = visible(principal, repo.get(report_id))
        if row["state"] == "closed" or not stability.raises_severity(row["severity"], body["severity"]):
            raise Conflict(
                "只能提高未关闭涉稳信息的等级",
                f"Only an open report's severity can be raised (it is {row['state']}, {row['severity']})",
                state=row["state"],
                severity=row["severity"],
            )
        _require_police_summary(severe, body)
        changes: dict = {"severity": body["severity"], "updated_at": now, "version": row["version"] + 1}
        if severe:
            changes["police_summary"] = sensitive.mask_free_text(body["police_summary"], POLICE_SUMMARY_LIMIT)
            changes["shared_at"] = now
        if not repo.update(report_id, row["version"], changes):
            raise Conflict("该涉稳信息已被他人更新，请刷新后重试", "The report changed meanwhile; reload and retry")
        note = f"{row['severity']} → {body['severity']}" + (f"：{body['note'].strip()}" if body.get("note") else "")
        _record(repo, report_id, principal.subject, "escalate", row["state"], row["state"], note, now)
        row.update(changes)
        if severe:
            uow.emit(SEVERE_REPORTED, report_id, _for_police(row))
        uow.commit()
        return {**shown(row), "timeline": repo.timeline(report_id)}


def _people_in_scope(uow: UnitOfWork, principal: Principal, person_ids: list[str]) -> list[str]:
    """The registry people a report names, each known to the service desk and in the caller's scope
    (one answer for both, so the error tells nothing of people elsewhere)."""
    for person_id in person_ids:
        person = uow.requests.person(person_id)
        if person is None or not principal.sees(person["unit_code"]):
            raise InvalidInput(
                "涉及人员须为您管辖范围内登记库中的人员",
                "People involved must be registered people in your scope",
                field="person_ids",
            )
    return sorted(set(person_ids))


def _for_police(row: dict) -> dict:
    return {
        "report_id": row["id"],
        "unit_code": row["unit_code"],
        "occurred_at": aware(row["occurred_at"]).isoformat(),
        "reported_at": aware(row["reported_at"]).isoformat(),
        "people_involved": stability.people_involved(row["person_ids"], row["others_count"]),
        "summary": row["police_summary"],
    }


def _record(
    repo: StabilityRepository,
    report_id: str,
    actor: str,
    action: str,
    before: str | None,
    after: str,
    note: str | None,
    now: dt.datetime,
    notice_key: str | None = None,
) -> None:
    repo.add_entry(
        dict(
            report_id=report_id,
            at=now,
            actor=actor,
            action=action,
            from_state=before,
            to_state=after,
            note=note,
            notice_id=notice_key,
        )
    )


def visible(principal: Principal, row: dict | None) -> dict:
    """The report if the caller may read it; else the 404 of a report that does not exist."""
    principal.require_role(*READERS)
    if row is None or not principal.sees(row["unit_code"]):
        raise NotFound("未找到该涉稳信息", "No such stability report")
    return row


def shown(row: dict) -> dict:
    """A report as the API shows it: times with their zone, its moves and how many it involves."""
    return {
        **{k: aware(v) if isinstance(v, dt.datetime) else v for k, v in row.items()},
        "people_involved": stability.people_involved(row["person_ids"], row["others_count"]),
        "allowed_moves": stability.allowed_moves(row["state"]),
    }


def view(uow_factory: UowFactory, principal: Principal, report_id: str) -> dict:
    with uow_factory() as uow:
        repo = StabilityRepository(uow.session)
        row = visible(principal, repo.get(report_id))
        return {**shown(row), "timeline": repo.timeline(report_id)}


def move(
    uow_factory: UowFactory, principal: Principal, report_id: str, action: str, body: dict, now: dt.datetime
) -> dict:
    """Staff take a report in hand (``handle``) or close it (``close``, with a note)."""
    principal.require_role("editor")
    with uow_factory() as uow:
        repo = StabilityRepository(uow.session)
        row = visible(principal, repo.get(report_id))
        try:
            target = stability.next_state(row["state"], action)
        except stability.IllegalMove:
            raise Conflict(
                f"该涉稳信息当前为“{row['state']}”，不能执行此操作",
                f"Cannot {action} a report that is {row['state']}",
                state=row["state"],
                allowed_moves=stability.allowed_moves(row["state"]),
            ) from None
        note = (body.get("note") or "").strip() or None
        if action == "close" and not note:
            raise InvalidInput("关闭前请说明处置结果", "Say how it ended to close it", field="note")
        changes = {"state": target, "updated_at": now, "version": row["version"] + 1}
        if target == "closed":
            changes["closed_at"] = now
        if not repo.update(report_id, row["version"], changes):
            raise Conflict("该涉稳信息已被他人更新，请刷新后重试", "The report changed meanwhile; reload and retry")
        _record(repo, report_id, principal.subject, action, row["state"], target, note, now)
        uow.commit()
        return {**shown({**row, **changes}), "timeline": repo.timeline(report_id)}


def apply_notice(repo: StabilityRepository, row: dict, kind: str, data: dict, notice_key: str, now: dt.datetime):
    """Public security's notice on a report it received: the state moves forward only, the notice
    is in the timeline once. Called by ``stability_notices`` in the consumer's transaction."""
    target = stability.advanced(row["state"], stability.NOTICE_STATES[kind])
    changes: dict = {"state": target, "updated_at": now, "version": row["version"] + 1}
    if target == "closed" and row["state"] != "closed":
        changes["closed_at"] = now
    if data.get("case_reference") and not row["police_reference"]:
        changes["police_reference"] = data["case_reference"][:100]
    if not repo.update(row["id"], row["version"], changes):
        raise Conflict("该涉稳信息已被他人更新", "The report changed meanwhile")  # the consumer retries
    actor = f"agency:{data['agency']}"
    _record(repo, row["id"], actor, kind, row["state"], target, data.get("summary"), now, notice_key)
