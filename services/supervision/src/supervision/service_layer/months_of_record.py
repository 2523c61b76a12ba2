"""The month of record (考核结算): an open month's figures follow the events as they arrive; a
closed month's are the contributions kept when it was closed, with the scheme's version and
digest, and do not move on a late or a duplicate event, nor when a newer scheme version is shipped. Only an
explicit, recorded recalculation (who, when, why, the scheme version it used, the digests before
and after) changes a closed month; it keeps the month's own version unless the operator names another.

Closing is an operator's act (``supervision-admin close-month``), never automatic: a month is
closed once the county has checked it, and a month that has not ended cannot be closed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from chassis.errors import Conflict, InvalidInput, NotFound
from supervision.adapters.repository import Closure
from supervision.adapters.schemes import load_scheme
from supervision.domain import months
from supervision.domain.measurement import Contribution, Evidence, contributions
from supervision.domain.scheme import InvalidScheme, Scheme
from supervision.service_layer.unit_of_work import UnitOfWork, UowFactory


def month_contributions(uow: UnitOfWork, month: str, scheme: Scheme) -> tuple[list[Contribution], Closure | None]:
    """The month's contributions: kept ones if it is closed, else computed from the view now."""
    closure = uow.supervision.closure(month)
    if closure is not None:
        return uow.supervision.kept(month), closure
    return _computed(uow, month, scheme), None


def _computed(uow: UnitOfWork, month: str, scheme: Scheme) -> list[Contribution]:
    view = uow.supervision
    people = view.people(months.last_day(month).isoformat())
    return contributions(Evidence(month, view.evidence(month), people, scheme.current_within_months))


def snapshot_digest(found: list[Contribution]) -> str:
    rows = [[c.indicator, c.unit_code, c.event_id, c.event_type, c.role, f"{c.amount:.2f}", c.person_id] for c in found]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def _checked(month: str, reason: str, now: dt.datetime) -> str:
    try:
        months.check(month)
    except months.InvalidMonth:
        raise InvalidInput("月份格式应为 YYYY-MM", "A month is written YYYY-MM", field="month") from None
    if not reason.strip():
        raise InvalidInput("请说明理由", "Give a reason", field="reason")
    if not months.has_ended(month, now):
        raise Conflict("该月尚未结束，不能结算", "The month has not ended; it cannot be closed yet")
    return month


def close_month(uow_factory: UowFactory, scheme: Scheme, month: str, by: str, reason: str, now: dt.datetime) -> Closure:
    """Keep the month's contributions as they are now, under ``scheme``; a closed month is refused."""
    _checked(month, reason, now)
    with uow_factory() as uow:
        if uow.supervision.closure(month) is not None:
            raise Conflict(
                "该月已结算；如需更正请重新核算", "The month is closed already; recalculate it to correct it"
            )
        found = _computed(uow, month, scheme)
        closure = Closure(month, now, by, reason, scheme.version, scheme.digest, snapshot_digest(found))
        uow.supervision.close(closure, found)
        uow.commit()
    return closure


def recalculate(
    uow_factory: UowFactory, month: str, by: str, reason: str, now: dt.datetime, scheme_version: str | None = None
) -> Closure:
    """Recompute a closed month from the view as it is now (late events included), under the scheme
    version it was closed with unless the operator names another, and record who did it, why, the
    version and digest it was scored under and the snapshot digests before and after."""
    _checked(month, reason, now)
    with uow_factory() as uow:
        before = uow.supervision.closure(month)
        if before is None:
            raise NotFound("该月尚未结算", "The month is not closed")
        scheme = _shipped(scheme_version or before.scheme_version)
        found = _computed(uow, month, scheme)
        closure = Closure(month, before.closed_at, before.closed_by, before.reason, scheme.version, scheme.digest,
                          snapshot_digest(found))  # fmt: skip
        uow.supervision.recalculate(closure, found, by, now, reason)
        uow.commit()
    return closure


def _shipped(version: str) -> Scheme:
    try:
        return load_scheme(version)
    except InvalidScheme:
        raise InvalidInput(
            f"没有版本为 {version} 的考核方案", f"No assessment scheme of version {version} ships", field="scheme"
        ) from None
