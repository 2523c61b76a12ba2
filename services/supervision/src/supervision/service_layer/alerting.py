"""Evaluating the alert rules (``domain.alerts``) against the view: raise an alert for each cause
with none open (reopening the cause's alert if it had one: one alert per cause, its
acknowledgements kept), clear each open alert whose cause went away, restate the detail of the
ones still open (the figure of now), and publish every raise and clear on ``supervision.v1``
through the same unit of work (the outbox), so an alert's row and its event are written together
or not at all. Of two evaluations running at once (worker replicas), only the one whose change
took effect publishes it (``adapters.alert_records``).

The worker runs this once the view took new events and caught up, and on a schedule (a
suggestion becomes overdue with time alone). The rules read the view only, so a rebuilt view names the same causes:
``digest_of_alerts`` is the same after a replay, and the evaluation after it changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable

from chassis.contracts import supervision as events
from supervision.adapters.alert_records import Alert
from supervision.domain import months
from supervision.domain.alerts import PENDING, Limits, Situation, causes
from supervision.domain.measurement import Evidence
from supervision.domain.scheme import Scheme
from supervision.service_layer.unit_of_work import UnitOfWork, UowFactory


def situation(uow: UnitOfWork, scheme: Scheme, now: dt.datetime, limits: Limits) -> Situation:
    month = months.of_instant(now)
    people = uow.supervision.people(now.astimezone(months.CST).date().isoformat())
    evidence = Evidence(month, uow.supervision.evidence(month), people, scheme.current_within_months)
    targets = {item.indicator: item.targets for _, item in scheme.items()}
    return Situation(now, people, uow.alerts.facts_of(PENDING), evidence, targets, limits)


def evaluate(
    uow_factory: UowFactory, scheme: Scheme, now: dt.datetime, limits: Limits = Limits(),
    new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
) -> dict[str, int]:  # fmt: skip
    """Raise (or reopen) and clear alerts as the view shows their causes at ``now``; how many of each."""
    with uow_factory() as uow:
        current = {c.key: c for c in causes(situation(uow, scheme, now, limits))}
        open_ = uow.alerts.open()
        new = sorted(current.keys() - open_.keys())
        raised = [a for k in new if (a := uow.alerts.raise_(new_id(), current[k], now)) is not None]
        cleared = [a for k in sorted(open_.keys() - current.keys()) if (a := uow.alerts.clear(open_[k], now))]
        for k in sorted(current.keys() & open_.keys()):
            uow.alerts.restate(open_[k], current[k].detail)
        uow.emit_many(
            [(events.ALERT_RAISED, a.id, event_data(a)) for a in raised]
            + [(events.ALERT_CLEARED, a.id, event_data(a)) for a in cleared]
        )
        uow.commit()
    return {"raised": len(raised), "cleared": len(cleared)}


def event_data(alert: Alert) -> dict[str, object]:
    """What ``supervision.v1`` carries of an alert (``contracts.supervision``): never a notice's id."""
    return {
        "alert_id": alert.id,
        "rule": alert.rule,
        "unit_code": alert.unit_code,
        "subject": None if alert.rule == "notice_unhandled" else alert.subject,
        "detail": alert.detail,
        "raised_at": alert.raised_at.isoformat(),
        "cleared_at": None if alert.cleared_at is None else alert.cleared_at.isoformat(),
    }


def digest_of_alerts(uow_factory: UowFactory) -> str:
    """SHA-256 of the open alerts' causes (rule, unit, subject, detail): equal before and after a replay."""
    with uow_factory() as uow:
        rows = sorted("|".join((*a.key, a.detail)) for a in uow.alerts.open().values())
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()
