"""**Tests only**: a unit of work in memory, for fast tests of a use case without a database.

``FakeUnitOfWork`` is a ``chassis.unit_of_work.UnitOfWork`` (the use case cannot tell) that has no
engine and no session: the events a use case emits are checked exactly as the real outbox checks
them (contract, sensitive-data rule, feed entry contract) and kept in ``events`` once committed;
leaving the block without ``commit()`` drops them, as the real rollback does. A use case that still
reaches for ``uow.session`` fails loudly: give it a repository the fake can stand in for.

A service's fake repositories are plain in-memory objects with the real repositories' methods;
name them in ``repositories`` and the fake keeps them in step with the transaction: their state
is restored on leaving the block without ``commit()`` (and after a ``rollback()``), as the real
rollback restores the tables.

The fake hands out itself from ``factory()``, so a test reads what the use case left behind.
The suites on SQLite and PostgreSQL stay the proof that the real unit of work does the same.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from chassis.contracts.feed import check_feed_entry
from chassis.events import Envelope
from chassis.outbox import Outbox
from chassis.unit_of_work import UnitOfWork, UowFactory


class NoDatabase(AssertionError):
    """The use case under a fake unit of work reached for the database."""


class FakeUnitOfWork(UnitOfWork):
    def __init__(self, outbox: Outbox, repositories: Sequence[str] = ()):
        self.outbox = outbox
        self._repositories = tuple(repositories)  # attribute names of the fake repositories
        self._committed_state: dict[str, dict[str, Any]] = {}
        self.events: list[Envelope] = []
        self.feed_entries: list[tuple[str, str, Mapping[str, Any]]] = []
        self.commits = 0
        self._staged: list[Envelope] = []
        self._staged_feed: list[tuple[str, str, Mapping[str, Any]]] = []

    @property
    def session(self) -> Any:  # type: ignore[override]  # the real one is an attribute set on entry
        raise NoDatabase("this use case reads or writes the database directly: give it a repository")

    def factory(self) -> UowFactory:
        return lambda: self

    def __enter__(self) -> FakeUnitOfWork:
        self._staged, self._staged_feed = [], []
        self._remember_state()
        return self

    def _remember_state(self) -> None:
        self._committed_state = {name: copy.deepcopy(vars(getattr(self, name))) for name in self._repositories}

    def __exit__(self, *exc: object) -> None:
        self.rollback()

    def emit(self, event_type: str, subject: str, data: Mapping[str, Any]) -> Envelope:
        envelope, _ = self.outbox.row(event_type, subject, data)
        self._staged.append(envelope)
        return envelope

    def emit_many(self, events: Sequence[tuple[str, str, Mapping[str, Any]]]) -> list[Envelope]:
        return [self.emit(*event) for event in events]

    def emit_held(self, envelope: Envelope) -> None:
        self.outbox.check(envelope.type, envelope.data)
        self._staged.append(envelope)

    def emit_signed(self, agency: str, event_id: str, entry: Mapping[str, Any]) -> None:
        check_feed_entry(agency, entry)
        self._staged_feed.append((agency, event_id, entry))

    def commit(self) -> None:
        self.events += self._staged
        self.feed_entries += self._staged_feed
        self._staged, self._staged_feed = [], []
        self.commits += 1
        self._remember_state()

    def rollback(self) -> None:
        self._staged, self._staged_feed = [], []
        for name, state in self._committed_state.items():
            vars(getattr(self, name)).clear()
            vars(getattr(self, name)).update(copy.deepcopy(state))
