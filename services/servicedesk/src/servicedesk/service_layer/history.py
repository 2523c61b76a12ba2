"""A request's history rows and the data of its events, as every change records them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from servicedesk.service_layer.unit_of_work import UnitOfWork


def aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def record(
    uow: UnitOfWork,
    row: dict[str, Any],
    actor: str,
    action: str,
    before: str | None,
    after: str,
    note: str | None,
    now: dt.datetime,
) -> None:
    uow.requests.add_history(
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
