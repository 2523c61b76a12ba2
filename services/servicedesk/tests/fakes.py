"""The service desk's unit of work and requests repository in memory, for fast tests of its use
cases. Leaving the block without ``commit()`` drops requests, history and events alike, as the
real transaction does (``chassis.fakes``)."""

from __future__ import annotations

import copy
from typing import Any

from chassis import fakes
from servicedesk.adapters.tables import EVENTS
from servicedesk.adapters.tables import requests as requests_table
from servicedesk.service_layer.categories import DEFAULT_CATEGORIES, DEFAULT_SLA
from servicedesk.service_layer.unit_of_work import UnitOfWork, UowFactory


class FakeRequestRepository:
    def __init__(self, people: list[dict[str, Any]]):
        self.people = {p["person_id"]: p for p in people}
        self.categories = {
            code: {"code": code, "sla": DEFAULT_SLA, "active": True} for code, _, _ in DEFAULT_CATEGORIES
        }
        self.requests: dict[str, dict[str, Any]] = {}
        self.history_rows: list[dict[str, Any]] = []

    def person(self, person_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.people.get(person_id))

    def category(self, code: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.categories.get(code))

    def get(self, request_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.requests.get(request_id))

    def add(self, row: dict[str, Any]) -> None:
        """Stored as the table stores it: the columns not given are empty (NULL)."""
        self.requests[row["id"]] = {**{c.name: None for c in requests_table.c}, **copy.deepcopy(row)}

    def update(self, request_id: str, version: int, changes: dict[str, Any]) -> bool:
        current = self.get(request_id)
        if current is None or current["version"] != version:
            return False
        self.requests[request_id] = {**current, **changes}
        return True

    def add_history(self, entry: dict[str, Any]) -> None:
        self.history_rows.append(dict(entry))

    def history(self, request_id: str) -> list[dict[str, Any]]:
        return [h for h in self.history_rows if h["request_id"] == request_id]


class FakeUnitOfWork(UnitOfWork, fakes.FakeUnitOfWork):
    def __init__(self, people: list[dict[str, Any]]):
        fakes.FakeUnitOfWork.__init__(self, EVENTS, repositories=("requests",))
        self.requests: FakeRequestRepository = FakeRequestRepository(people)  # type: ignore[assignment]

    def factory(self) -> UowFactory:
        return lambda: self

    def __enter__(self) -> FakeUnitOfWork:
        fakes.FakeUnitOfWork.__enter__(self)  # not the real one's, which opens a session
        return self
