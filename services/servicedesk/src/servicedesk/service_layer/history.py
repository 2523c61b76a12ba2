"""A request's history rows and the data of its events, as every change records them."""

from __future__ import annotations

import datetime as dt

from chassis.unit_of_work import UnitOfWork
from servicedesk.adapters.tables import request_history


def aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def record(uow: UnitOfWork, row: dict, actor: str, action: str, before, after: str, note, now) -> None:
    session = uow.session
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


def event_data(row: dict, previous: str | None, now: dt.datetime) -> dict:
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
