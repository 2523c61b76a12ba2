"""The supervision's unit of work and repository in memory, for fast tests of its use cases (closing
and recalculating a month, a unit's assessment). What a use case writes stays staged until
``commit()``; leaving the block without it drops it, as the real transaction does."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from chassis import fakes
from supervision.adapters.repository import Closure
from supervision.adapters.tables import EVENTS
from supervision.domain.facts import Fact, Person
from supervision.domain.measurement import Contribution
from supervision.service_layer.unit_of_work import UnitOfWork, UowFactory


class FakeSupervisionRepository:
    def __init__(self, facts: list[Fact], people: list[Person]):
        self.facts, self.people_ = list(facts), list(people)
        self.closures: dict[str, Closure] = {}
        self.contributions: dict[str, list[Contribution]] = {}
        self.recalculated: list[dict[str, Any]] = []
        self._staged: list[tuple[str, Any]] = []

    def evidence(self, month: str) -> list[Fact]:
        return list(self.facts)

    def people(self, on: str) -> list[Person]:
        return [p for p in self.people_ if p.updated_on <= on]

    def units_of_people(self, person_ids, on: str) -> dict[str, str]:
        return {p.person_id: p.unit_code for p in self.people(on) if p.person_id in set(person_ids)}

    def closure(self, month: str) -> Closure | None:
        return self.closures.get(month)

    def kept(self, month: str) -> list[Contribution]:
        return list(self.contributions.get(month, []))

    def close(self, closure: Closure, found: list[Contribution]) -> None:
        self._staged.append(("close", (closure, found)))

    def recalculate(self, closure: Closure, found: list[Contribution], by: str, at: dt.datetime, reason: str) -> None:
        before = self.closures[closure.month]
        row = dict(month=closure.month, at=at, by=by, reason=reason, scheme_version=closure.scheme_version,
                   scheme_version_before=before.scheme_version, digest_before=before.snapshot_digest,
                   digest_after=closure.snapshot_digest)  # fmt: skip
        self._staged.append(("recalculate", (closure, found, row)))

    def commit(self) -> None:
        for kind, payload in self._staged:
            closure, found = payload[0], payload[1]
            self.closures[closure.month] = dataclasses.replace(closure)
            self.contributions[closure.month] = list(found)
            if kind == "recalculate":
                self.recalculated.append(payload[2])
        self._staged = []

    def rollback(self) -> None:
        self._staged = []


class FakeUnitOfWork(UnitOfWork, fakes.FakeUnitOfWork):
    def __init__(self, facts: list[Fact], people: list[Person]):
        fakes.FakeUnitOfWork.__init__(self, EVENTS)
        self.supervision: FakeSupervisionRepository = FakeSupervisionRepository(facts, people)  # type: ignore[assignment]

    def factory(self) -> UowFactory:
        return lambda: self

    def __enter__(self) -> FakeUnitOfWork:
        fakes.FakeUnitOfWork.__enter__(self)
        return self

    def commit(self) -> None:
        fakes.FakeUnitOfWork.commit(self)
        self.supervision.commit()

    def rollback(self) -> None:
        fakes.FakeUnitOfWork.rollback(self)
        self.supervision.rollback()
