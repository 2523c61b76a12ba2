"""Staff's handling of parked membership notices (``membership_notices`` parks what it cannot apply).

Parked notices belong to no unit (most name nobody the registry knows), so they are handled
department-wide: county-level admins and auditors list them, admins re-apply or dismiss one. A
re-application runs the notice again through the same rules as the consumer, in one transaction
with its audit row: applied, or still parked with today's reason (a revocation that still stands).
A notice that now matches a person outside the caller's subtree (another county's member) is not
listed to the caller, and its re-application or dismissal is refused with nothing changed. Of two
admins acting on one notice at once, the second gets a 409.
The answers name the notice, its body, level and dates, never the ID digest it carries. A notice is
named by its agency and the agency's notice id (ids are unique per agency only).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.errors import Conflict, Forbidden, InvalidInput, NotFound
from chassis.events import Envelope
from chassis.paging import decode_cursor, encode_cursor
from chassis.unit_of_work import joining
from registry.adapters.liaison_tables import parked_notice_actions
from registry.adapters.tables import parked_notices, people
from registry.service_layer import membership_notices
from registry.service_layer.unit_of_work import UowFactory

READ_ROLES, ACT_ROLES = ("admin", "auditor"), ("admin",)
STATES = ("parked", "applied", "dismissed")
#: Why ``membership_notices`` parks a notice.
PARK_REASONS = ("unknown_person", "unknown_role", "agency_not_body", "ineligible", "stale")
_OUT = (
    "notice_id",
    "event_type",
    "agency",
    "body",
    "why",
    "received_at",
    "parked_at",
    "state",
    "handled_by",
    "handled_at",
)


def _department(principal: Principal, roles: tuple[str, ...]) -> None:
    principal.require_role(*roles)
    principal.require_department_wide()


def _view(row) -> dict:
    notice = row["notice"] or {}
    view = {k: row[k] for k in _OUT}
    view |= {k: notice.get(k) for k in ("level", "title", "effective_on")}
    view["kind"] = "confirmed" if row["event_type"] == membership_notices.CONFIRMED else "ended"
    return view


def list_parked(uow_factory: UowFactory, principal: Principal, state: str, limit: int, cursor: str | None) -> dict:
    """Parked notices (``state``: parked, applied, dismissed or all), oldest parked first."""
    _department(principal, READ_ROLES)
    query = sa.select(parked_notices).where(~_about_someone_outside(principal))
    if state != "all":
        query = query.where(parked_notices.c.state == state)
    if cursor:
        at, agency, last = decode_cursor(cursor, 3)
        try:
            after = dt.datetime.fromisoformat(at)
        except ValueError:
            raise InvalidInput("分页游标无效", "Invalid cursor", field="cursor") from None
        p, a, n = parked_notices.c.parked_at, parked_notices.c.agency, parked_notices.c.notice_id
        query = query.where(sa.tuple_(p, a, n) > sa.tuple_(after, agency, last))
    query = query.order_by(parked_notices.c.parked_at, parked_notices.c.agency, parked_notices.c.notice_id)
    query = query.limit(limit + 1)
    with uow_factory(principal.subject) as uow:
        rows = uow.session.execute(query).mappings().all()
    items = [_view(r) for r in rows[:limit]]
    more = len(rows) > limit
    last_row = rows[limit - 1] if more else None
    next_cursor = (
        encode_cursor(last_row["parked_at"].isoformat(), last_row["agency"], last_row["notice_id"])
        if last_row
        else None
    )
    return {"items": items, "next_cursor": next_cursor}


def reapply(uow_factory: UowFactory, principal: Principal, agency: str, notice_id: str, note: str | None) -> dict:
    """Run a parked notice through the membership rules again: applied, or still parked (with why)."""
    _department(principal, ACT_ROLES)
    with uow_factory(principal.subject) as uow:
        row = _parked(uow, agency, notice_id)
        notice = row["notice"]
        if notice is None:
            raise Conflict(
                "该通知停放于旧版本，未保存通知内容，无法重新应用",
                "This notice was parked before its content was kept; it cannot be re-applied, only dismissed",
            )
        _require_in_scope(uow, principal, notice)
        envelope = Envelope.new(type=row["event_type"], source="/tongxin/registry", subject=notice_id, data=notice)
        why = membership_notices.apply_notice(joining(uow_factory, uow.session), envelope)
        now = dt.datetime.now(dt.UTC)
        outcome = "still_parked" if why else "applied"
        values = {"why": why} if why else {"state": "applied"}
        values |= {"handled_by": principal.subject, "handled_at": now}
        _claim(uow, agency, notice_id, values)
        _audit(uow, agency, notice_id, "reapply", outcome, why, note, principal.subject, now)
        uow.commit()
        return _view(_parked(uow, agency, notice_id, any_state=True))


def dismiss(uow_factory: UowFactory, principal: Principal, agency: str, notice_id: str, reason: str) -> dict:
    """Set a parked notice aside for good, with the reason (it stays listed as dismissed)."""
    _department(principal, ACT_ROLES)
    with uow_factory(principal.subject) as uow:
        _require_in_scope(uow, principal, _parked(uow, agency, notice_id)["notice"])
        now = dt.datetime.now(dt.UTC)
        _claim(uow, agency, notice_id, dict(state="dismissed", handled_by=principal.subject, handled_at=now))
        _audit(uow, agency, notice_id, "dismiss", "dismissed", None, reason, principal.subject, now)
        uow.commit()
        return _view(_parked(uow, agency, notice_id, any_state=True))


def actions_of(uow_factory: UowFactory, principal: Principal, agency: str, notice_id: str) -> list[dict]:
    _department(principal, READ_ROLES)
    with uow_factory(principal.subject) as uow:
        _parked(uow, agency, notice_id, any_state=True)
        rows = uow.session.execute(
            sa.select(parked_notice_actions)
            .where(parked_notice_actions.c.agency == agency, parked_notice_actions.c.notice_id == notice_id)
            .order_by(parked_notice_actions.c.id)
        ).mappings()
        return [dict(r) for r in rows]


def _key(agency: str, notice_id: str) -> tuple:
    return parked_notices.c.agency == agency, parked_notices.c.notice_id == notice_id


def _parked(uow, agency: str, notice_id: str, any_state: bool = False):
    row = uow.session.execute(sa.select(parked_notices).where(*_key(agency, notice_id))).mappings()
    row = row.first()
    if row is None:
        raise NotFound("未找到该停放通知", "No such parked notice")
    if not any_state and row["state"] != "parked":
        raise Conflict("该通知已处理", "This notice was already handled", state=row["state"])
    return row


def _about_someone_outside(principal: Principal):
    """A notice that matches an active person outside the caller's subtree (another county's
    member): not listed to the caller, as it may neither re-apply nor dismiss it."""
    return sa.exists().where(
        people.c.id_digest == parked_notices.c.notice["id_digest"].as_string(),
        people.c.status == "active",
        people.c.unit_code.not_like(principal.scope_prefix + "%"),
    )


def _require_in_scope(uow, principal: Principal, notice: dict | None) -> None:
    """Refuse a notice that now matches a registered person outside the caller's subtree: the admin
    of another county neither applies nor dismisses a notice about this county's member."""
    if not notice:
        return  # parked before its content was kept: it names nobody the registry can match
    match = uow.session.execute(
        sa.select(people.c.unit_code).where(people.c.id_digest == notice["id_digest"], people.c.status == "active")
    ).scalar()
    if match is not None and not principal.sees(match):
        raise Forbidden("该通知涉及的人员不在您的管辖范围内", "The notice concerns a person outside your scope")


def _claim(uow, agency: str, notice_id: str, values: dict) -> None:
    """Write staff's handling only if the notice is still parked: of two admins acting at once (a
    re-application and a dismissal, or two re-applications), the second is a 409 and its
    transaction, the notice's application included, is rolled back."""
    done = uow.session.execute(
        parked_notices.update().where(*_key(agency, notice_id), parked_notices.c.state == "parked").values(**values)
    )
    if done.rowcount != 1:
        raise Conflict("该通知已被他人处理，请刷新", "Someone else handled this notice meanwhile; reload it")


def _audit(uow, agency, notice_id, action, outcome, why, note, actor, at) -> None:
    uow.session.execute(
        parked_notice_actions.insert().values(
            agency=agency, notice_id=notice_id, action=action, outcome=outcome, why=why, note=note, actor=actor, at=at
        )
    )


def counts(uow_factory: UowFactory) -> dict[str, int]:
    """Notices still parked, by why (for the metric)."""
    with uow_factory("registry:metrics") as uow:
        rows = uow.session.execute(
            sa.select(parked_notices.c.why, sa.func.count())
            .where(parked_notices.c.state == "parked")
            .group_by(parked_notices.c.why)
        ).all()
    return {why: int(n) for why, n in rows}
