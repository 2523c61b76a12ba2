"""The gateway's unit of work and its feeds and ledger repositories in memory, for fast tests of
delivery without a database. The repositories' state is restored on leaving the block without
``commit()``, as the real rollback does, and events and signed feed entries are checked against
their contracts (``chassis.fakes``)."""

from __future__ import annotations

from typing import Any

from sharing_gateway.adapters.tables import EVENTS
from sharing_gateway.domain import ledger as chain
from sharing_gateway.service_layer.unit_of_work import UnitOfWork, UowFactory

from chassis import fakes


class FakeFeedRepository:
    def __init__(self, approved: dict[str, str]):
        #: agency -> the policy version in force; an agency missing here is paused.
        self.approved = dict(approved)
        self.held: list[tuple[str, dict[str, Any]]] = []
        self.entries: dict[str, list[dict[str, Any]]] = {}

    def in_force(self, agency: str, policy_version: str) -> bool:
        return self.approved.get(agency) == policy_version

    def hold(self, agency: str, envelope: dict[str, Any], roles_before: list[dict[str, Any]] | None) -> None:
        self.held.append((agency, envelope))

    def has_entry(self, agency: str, event_id: str) -> bool:
        return any(e["id"] == event_id for e in self.entries.get(agency, []))

    def next_sequence(self, agency: str) -> int:
        return len(self.entries.get(agency, [])) + 1

    def add_entry(self, agency: str, seq: int, event_id: str, event_type: str, entry: dict[str, Any]) -> None:
        self.entries.setdefault(agency, []).append(entry)


class FakeLedgerRepository:
    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self.locked = False

    def lock(self) -> None:
        self.locked = True

    def head(self) -> dict[str, Any]:
        last = self.records[-1] if self.records else {"position": 0, "hash": chain.GENESIS}
        return {"position": last["position"], "hash": last["hash"]}

    def append(self, record: dict[str, Any]) -> None:
        self.records.append(record)


class FakePersonDisclosureRepository:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, rows: list[dict[str, Any]]) -> None:
        self.rows.extend(rows)


class FakeGrantRepository:
    """No data grant: every agency at revision 0 (the grants are proven on the databases)."""

    def __init__(self, agencies: list[str]):
        self.agencies = agencies

    def revisions(self, codes: list[str]) -> dict[str, int]:
        return {c: 0 for c in codes if c in self.agencies}

    def in_force(self, codes: list[str]) -> list[dict[str, Any]]:
        return []


class FakeUnitOfWork(UnitOfWork, fakes.FakeUnitOfWork):
    def __init__(self, approved: dict[str, str]):
        fakes.FakeUnitOfWork.__init__(self, EVENTS, repositories=("feeds", "ledger", "disclosures", "grants"))
        self.feeds: FakeFeedRepository = FakeFeedRepository(approved)  # type: ignore[assignment]
        self.ledger: FakeLedgerRepository = FakeLedgerRepository()  # type: ignore[assignment]
        self.disclosures: FakePersonDisclosureRepository = FakePersonDisclosureRepository()  # type: ignore[assignment]
        self.grants: FakeGrantRepository = FakeGrantRepository(list(approved))  # type: ignore[assignment]

    def factory(self) -> UowFactory:
        return lambda: self

    def __enter__(self) -> FakeUnitOfWork:
        fakes.FakeUnitOfWork.__enter__(self)  # not the real one's, which opens a session
        return self
