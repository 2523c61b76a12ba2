"""The alerts as the supervision keeps them: one row per alert, open until its cause goes away.
Records, not view: a replay leaves them, and the next evaluation finds the same causes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from supervision.adapters.repository import _fact
from supervision.adapters.tables import alerts, facts
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
    acknowledged_by: str | None = None
    acknowledged_at: dt.datetime | None = None
    acknowledged_note: str | None = None

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

    def raise_(self, alert_id: str, cause: Cause, at: dt.datetime) -> Alert:
        row = dict(id=alert_id, rule=cause.rule, unit_code=cause.unit_code, subject=cause.subject,
                   detail=cause.detail, raised_at=at, cleared_at=None, open_key=_open_key(cause.key))  # fmt: skip
        self.session.execute(alerts.insert(), row)
        return Alert(alert_id, cause.rule, cause.unit_code, cause.subject, cause.detail, at, None)

    def clear(self, alert: Alert, at: dt.datetime) -> Alert:
        self.session.execute(alerts.update().where(alerts.c.id == alert.id).values(cleared_at=at, open_key=None))
        return dataclasses.replace(alert, cleared_at=at)


def _alert(r: sa.RowMapping) -> Alert:
    return Alert(**{f.name: _aware(r[f.name]) for f in dataclasses.fields(Alert)})


def _aware(value: object) -> object:
    # SQLite hands timestamps back without their zone; they were written in UTC.
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value
