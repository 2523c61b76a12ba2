"""Stability reports and their timeline, with SQLAlchemy Core; rows are plain dicts, and an update
is guarded by the version the caller read."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from servicedesk.adapters.stability_tables import stability_reports, stability_timeline, unmatched_stability_notices


class StabilityRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, report_id: str) -> dict[str, Any] | None:
        query = sa.select(stability_reports).where(stability_reports.c.id == report_id)
        row = self.session.execute(query).mappings().first()
        return None if row is None else dict(row)

    def add(self, row: dict[str, Any]) -> None:
        self.session.execute(stability_reports.insert(), row)

    def update(self, report_id: str, version: int, changes: dict[str, Any]) -> bool:
        done = self.session.execute(
            stability_reports.update()
            .where(stability_reports.c.id == report_id, stability_reports.c.version == version)
            .values(**changes)
        )
        return done.rowcount == 1

    def add_entry(self, entry: dict[str, Any]) -> None:
        self.session.execute(stability_timeline.insert(), entry)

    def timeline(self, report_id: str) -> list[dict[str, Any]]:
        query = sa.select(stability_timeline).where(stability_timeline.c.report_id == report_id)
        return [dict(r) for r in self.session.execute(query.order_by(stability_timeline.c.id)).mappings()]

    def notice_applied(self, notice_key: str) -> bool:
        """Whether this notice is already in a timeline or parked as unmatched."""
        in_timeline = sa.select(stability_timeline.c.id).where(stability_timeline.c.notice_id == notice_key)
        parked = sa.select(unmatched_stability_notices.c.notice_key).where(
            unmatched_stability_notices.c.notice_key == notice_key
        )
        return bool(self.session.execute(in_timeline).first() or self.session.execute(parked).first())

    def park(self, row: dict[str, Any]) -> None:
        self.session.execute(unmatched_stability_notices.insert(), row)
