"""Finding requests: a page of those in the caller's scope, newest first, keyset-paginated."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis import units
from chassis.auth import Principal
from chassis.paging import newest_first, next_newest_first
from chassis.work_calendar import WorkCalendar
from servicedesk.adapters.tables import requests
from servicedesk.service_layer.requests import with_clock
from servicedesk.service_layer.unit_of_work import UowFactory


def search(
    uow_factory: UowFactory,
    principal: Principal,
    filters: dict,
    calendar: WorkCalendar,
    limit: int,
    cursor: str | None,
    now: dt.datetime,
) -> dict:
    """A page of requests in the caller's scope, newest first, filtered by state, category,
    priority, breach, handling unit or person; keyset-paginated."""
    with uow_factory() as uow:
        conn = uow.session
        prefix = principal.scope_prefix
        query = sa.select(requests).where(
            sa.or_(requests.c.unit_code.like(prefix + "%"), requests.c.handling_unit.like(prefix + "%"))
        )
        for field in ("state", "category", "priority", "person_id"):
            if filters.get(field):
                query = query.where(requests.c[field] == filters[field])
        if filters.get("handling_unit"):
            query = query.where(requests.c.handling_unit.like(units.scope_prefix(filters["handling_unit"]) + "%"))
        if filters.get("breached") is not None:
            breached = sa.or_(
                requests.c.response_breached_at.is_not(None), requests.c.resolution_breached_at.is_not(None)
            )
            query = query.where(breached if filters["breached"] else sa.not_(breached))
        if filters.get("urgent") is not None:
            query = query.where(requests.c.urgent.is_(bool(filters["urgent"])))
        query = newest_first(query, requests.c.created_at, requests.c.id, cursor)
        rows = [dict(r) for r in conn.execute(query.limit(limit + 1)).mappings()]
        items = [with_clock(r, calendar, now) for r in rows[:limit]]
        return {"items": items, "next_cursor": next_newest_first(rows, limit, "created_at")}
