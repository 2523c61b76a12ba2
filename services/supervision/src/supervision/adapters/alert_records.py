"""The alerts as the supervision keeps them: one row per cause (rule, unit, object), open while
the cause is there, cleared when it goes, reopened if it comes back (a town's SLA share that
hovers at its target keeps one alert for the month, and its acknowledgements); and every
acknowledgement of one. Records, not view: a replay leaves them, and the next evaluation finds
the same causes.

Several workers may evaluate at once (replicas): each change is conditional on the state it
read (open a cleared or new alert, clear an open one), so of two evaluations that both saw the
same change to make, one makes it and gets the alert back (the other ``None``), and only that
one publishes it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from supervision.adapters.repository import _fact
from supervision.adapters.tables import alert_acknowledgements, alerts, facts
from supervision.domain.alerts import Cause
from supervision.domain.facts import Fact


@dataclasses.dataclass(frozen=True)
class Alert:
    id: str
    rule: str
    unit_code: str
    subject: str
    detail: str
    raised_at: dt.datetime
    cleared_at: dt.datetime | None

    @property
    def key(self) -> tuple[str, str, str]:
        return self.rule, self.unit_code, self.subject


def _open_key(key: tuple[str, str, str]) -> str:
    return "|".join(key)


class AlertRecords:
    def __init__(self, session: Session):
        self.session = session

    def facts_of(self, types: Sequence[str]) -> list[Fact]:
        rows = self.session.execute(sa.select(facts).where(facts.c.event_type.in_(list(types)))).mappings()
        return [_fact(r) for r in rows]

    def open(self) -> dict[tuple[str, str, str], Alert]:
        rows = self.session.execute(sa.select(alerts).where(alerts.c.open_key.is_not(None))).mappings()
        found = [_alert(r) for r in rows]
        return {a.key: a for a in found}

    def raise_(self, alert_id: str, cause: Cause, at: dt.datetime) -> Alert | None:
        """Open the cause's alert: the one it had, reopened (its id and acknowledgements kept), or a
        new one with ``alert_id``; None if another evaluation opened it first."""
        rule, unit, subject = cause.key
        earlier = self.session.execute(
            sa.select(alerts.c.id)
            .where(alerts.c.rule == rule, alerts.c.unit_code == unit, alerts.c.subject == subject)
            .order_by(alerts.c.raised_at.desc(), alerts.c.id.desc())
            .limit(1)
        ).scalar()
        opened = dict(detail=cause.detail, raised_at=at, cleared_at=None, open_key=_open_key(cause.key))
        if earlier is not None:
            reopened = self.session.execute(
                alerts.update().where(alerts.c.id == earlier, alerts.c.open_key.is_(None)).values(**opened)
            )
            if reopened.rowcount != 1:
                return None
            alert_id = earlier
        else:
            try:
                with self.session.begin_nested():  # the unique open key: another evaluation's insert won
                    self.session.execute(alerts.insert(), dict(id=alert_id, rule=rule, unit_code=unit,
                                                               subject=subject, **opened))  # fmt: skip
            except IntegrityError:
                return None
        return Alert(alert_id, rule, unit, subject, cause.detail, at, None)

    def clear(self, alert: Alert, at: dt.datetime) -> Alert | None:
        """Clear the alert if it is still open; None if another evaluation cleared it first."""
        cleared = self.session.execute(
            alerts.update()
            .where(alerts.c.id == alert.id, alerts.c.open_key.is_not(None))
            .values(cleared_at=at, open_key=None)
        )
        return dataclasses.replace(alert, cleared_at=at) if cleared.rowcount == 1 else None

    def restate(self, alert: Alert, detail: str) -> None:
        """Say what the cause is now (the share of today, not of when it was raised) on an open alert."""
        self.session.execute(
            alerts.update()
            .where(alerts.c.id == alert.id, alerts.c.open_key.is_not(None), alerts.c.detail != detail)
            .values(detail=detail)
        )

    # -- the task list -------------------------------------------------------------------
    def get(self, alert_id: str) -> Alert | None:
        row = self.session.execute(sa.select(alerts).where(alerts.c.id == alert_id)).mappings().first()
        return _alert(row) if row else None

    def page(self, prefix: str, is_open: bool, limit: int, after: tuple[dt.datetime, str] | None) -> list[Alert]:
        """Alerts of units starting with ``prefix``, open or cleared, newest raised first; ``limit + 1``
        rows, after the keyset ``after`` (raised_at, id)."""
        state = alerts.c.open_key.is_not(None) if is_open else alerts.c.open_key.is_(None)
        query = sa.select(alerts).where(alerts.c.unit_code.startswith(prefix, autoescape=True), state)
        if after is not None:
            at, last = after
            query = query.where(sa.or_(alerts.c.raised_at < at, sa.and_(alerts.c.raised_at == at, alerts.c.id < last)))
        rows = self.session.execute(query.order_by(alerts.c.raised_at.desc(), alerts.c.id.desc()).limit(limit + 1))
        return [_alert(r) for r in rows.mappings()]

    def acknowledge(self, alert_id: str, by_subject: str, by_name: str, by_unit: str, at: dt.datetime,
                    note: str) -> None:  # fmt: skip
        self.session.execute(alert_acknowledgements.insert(), dict(
            alert_id=alert_id, by_subject=by_subject, by_name=by_name, by_unit=by_unit, at=at, note=note
        ))  # fmt: skip

    def acknowledgements(self, alert_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {a: [] for a in alert_ids}
        if not alert_ids:
            return found
        rows = self.session.execute(
            sa.select(alert_acknowledgements)
            .where(alert_acknowledgements.c.alert_id.in_(list(alert_ids)))
            .order_by(alert_acknowledgements.c.id)
        ).mappings()
        for r in rows:
            found[r["alert_id"]].append({"by": r["by_name"], "by_unit": r["by_unit"], "at": _aware(r["at"]),
                                         "note": r["note"]})  # fmt: skip
        return found


def _alert(r: sa.RowMapping) -> Alert:
    return Alert(**{f.name: _aware(r[f.name]) for f in dataclasses.fields(Alert)})


def _aware(value: Any) -> Any:
    # SQLite hands timestamps back without their zone; they were written in UTC.
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value
