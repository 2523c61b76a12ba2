"""Service requests, their history, and what opening one reads (the person, the category), with
SQLAlchemy Core. Rows are plain dicts; an update is guarded by the version the caller read."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from servicedesk.adapters.tables import categories, people, request_history, requests


class RequestRepository:
    def __init__(self, session: Session):
        self.session = session

    def person(self, person_id: str) -> dict[str, Any] | None:
        """The person as the people view knows them (from ``registry.person.v1``)."""
        row = self.session.execute(sa.select(people).where(people.c.person_id == person_id)).mappings().first()
        return None if row is None else dict(row)

    def category(self, code: str) -> dict[str, Any] | None:
        row = self.session.execute(sa.select(categories).where(categories.c.code == code)).mappings().first()
        return None if row is None else dict(row)

    def get(self, request_id: str) -> dict[str, Any] | None:
        row = self.session.execute(sa.select(requests).where(requests.c.id == request_id)).mappings().first()
        return None if row is None else dict(row)

    def add(self, row: dict[str, Any]) -> None:
        self.session.execute(requests.insert(), row)

    def update(self, request_id: str, version: int, changes: dict[str, Any]) -> bool:
        """Apply ``changes`` if the request is still at ``version``; False if someone else changed it."""
        done = self.session.execute(
            requests.update().where(requests.c.id == request_id, requests.c.version == version).values(**changes)
        )
        return done.rowcount == 1

    def add_history(self, entry: dict[str, Any]) -> None:
        self.session.execute(request_history.insert(), entry)

    def history(self, request_id: str) -> list[dict[str, Any]]:
        rows = self.session.execute(
            sa.select(request_history).where(request_history.c.request_id == request_id).order_by(request_history.c.id)
        ).mappings()
        return [dict(h) for h in rows]
