"""Finding stability reports, and the export for the emergency-command system (应急指挥).

Both read a page of the reports in the caller's scope, newest first, keyset-paginated, with the
same filters. The export is the list in a documented flat form (``EXPORT_FIELDS``, JSON or CSV):
counts of people, never who; the summary with ID and phone numbers masked. Every export page is
recorded (who, from which unit, when, how many rows, which filters) in ``stability_exports``.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis import sensitive, units
from chassis.auth import Principal
from chassis.paging import newest_first, next_newest_first
from servicedesk.adapters.stability_tables import stability_exports, stability_reports
from servicedesk.service_layer.stability import READERS, shown
from servicedesk.service_layer.unit_of_work import UowFactory

#: The columns of an export row, in order (the CSV header; the keys of a JSON item).
EXPORT_FIELDS = (
    "report_id", "unit_code", "place", "occurred_at", "reported_at", "category", "severity", "state",
    "people_involved", "summary", "police_reference", "closed_at",
)  # fmt: skip
EXPORT_FORMAT = "tongxin.stability-export.v1"
SUMMARY_LIMIT = 2000


def search(uow_factory: UowFactory, principal: Principal, filters: dict, limit: int, cursor: str | None) -> dict:
    """A page of reports in the caller's scope, newest first; filter by state, severity, category,
    unit (its subtree) and the time it happened (``since`` inclusive, ``until`` exclusive)."""
    principal.require_role(*READERS)
    with uow_factory() as uow:
        rows = _page(uow.session, principal, filters, limit, cursor)
    items = [shown(r) for r in rows[:limit]]
    return {"items": items, "next_cursor": _next(rows, limit)}


def export(
    uow_factory: UowFactory, principal: Principal, filters: dict, limit: int, cursor: str | None, now: dt.datetime
) -> dict:
    """A page of the export (``EXPORT_FIELDS``), recorded in the same transaction that reads it."""
    principal.require_role(*READERS)
    with uow_factory() as uow:
        rows = _page(uow.session, principal, filters, limit, cursor)
        items = [export_row(shown(r)) for r in rows[:limit]]
        recorded = {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in filters.items()}
        uow.session.execute(
            stability_exports.insert(),
            dict(at=now, actor=principal.subject, actor_unit=principal.unit, format=filters.get("format", "json"),
                 rows=len(items), filters={**recorded, "cursor": cursor}),
        )  # fmt: skip
        uow.commit()
    return {"format": EXPORT_FORMAT, "generated_at": now, "items": items, "next_cursor": _next(rows, limit)}


def export_row(report: dict) -> dict:
    def text(value):
        return value.isoformat() if isinstance(value, dt.datetime) else value

    row = {**report, "report_id": report["id"], "summary": sensitive.mask_free_text(report["summary"], SUMMARY_LIMIT)}
    return {field: text(row[field]) for field in EXPORT_FIELDS}


def _page(conn, principal: Principal, filters: dict, limit: int, cursor: str | None) -> list[dict]:
    t = stability_reports
    query = sa.select(t).where(t.c.unit_code.like(principal.scope_prefix + "%"))
    for field in ("state", "severity", "category"):
        if filters.get(field):
            query = query.where(t.c[field] == filters[field])
    if filters.get("unit"):
        query = query.where(t.c.unit_code.like(units.scope_prefix(filters["unit"]) + "%"))
    if filters.get("since"):
        query = query.where(t.c.occurred_at >= filters["since"])
    if filters.get("until"):
        query = query.where(t.c.occurred_at < filters["until"])
    query = newest_first(query, t.c.reported_at, t.c.id, cursor).limit(limit + 1)
    return [dict(r) for r in conn.execute(query).mappings()]


def _next(rows: list[dict], limit: int) -> str | None:
    return next_newest_first(rows, limit, "reported_at")
