"""The registry's unit of work and repositories in memory, for fast tests of its use cases.

``FakeUnitOfWork`` is the registry's ``UnitOfWork`` (same ``track``, same history and events on
commit, the events checked against their contracts) over ``chassis.fakes.FakeUnitOfWork``, with
repositories that keep people and admin units in dictionaries. Leaving the block without
``commit()`` drops people and events alike (``chassis.fakes``).
"""

from __future__ import annotations

import copy
from typing import Any

from chassis import fakes
from chassis.digests import DigestKey
from chassis.errors import Conflict, NotFound
from registry.adapters.tables import EVENTS
from registry.domain.person import Person
from registry.service_layer.unit_of_work import UnitOfWork, UowFactory


class FakePersonRepository:
    def __init__(self) -> None:
        self.people: dict[str, Person] = {}

    def _all(self) -> dict[str, Person]:
        return self.people

    def get(self, person_id: str, for_update: bool = False) -> Person:
        person = self._all().get(person_id)
        if person is None:
            raise NotFound("未找到该人员", "No such person", person_id=person_id)
        return copy.deepcopy(person)

    def find_active_by_id_number(self, number: str) -> str | None:
        return next((p.id for p in self._all().values() if p.status == "active" and p.id_number == number), None)

    def unit_of(self, person_id: str) -> str:
        return self._all()[person_id].unit_code

    def add(self, person: Person, checked: bool = False) -> None:
        existing = None if checked else self.find_active_by_id_number(person.id_number)
        if existing:
            raise Conflict("该身份证号码已登记", "This ID number is already registered", person_id=existing)
        self.people[person.id] = copy.deepcopy(person)

    def save(self, person: Person) -> None:
        self.people[person.id] = copy.deepcopy(person)

    def flush(self) -> None:
        pass


class FakeAdminUnits:
    def __init__(self, in_service: set[str]):
        self.codes = in_service

    def in_service(self, code: str) -> bool:
        return code in self.codes


class FakeUnitOfWork(UnitOfWork, fakes.FakeUnitOfWork):
    def __init__(self, id_secret: DigestKey, units: set[str]):
        fakes.FakeUnitOfWork.__init__(self, EVENTS, repositories=("people",))
        self.id_secret, self.previous_keys, self.actor = id_secret, (), ""
        self.people: FakePersonRepository = FakePersonRepository()  # type: ignore[assignment]
        self.units: FakeAdminUnits = FakeAdminUnits(units)  # type: ignore[assignment]
        self.history: list[dict[str, Any]] = []

    def registry_factory(self) -> UowFactory:
        """The registry's factory takes the acting staff member, whose id lands in the history."""

        def open_for(actor: str) -> FakeUnitOfWork:
            self.actor = actor
            return self

        return open_for

    def __enter__(self) -> FakeUnitOfWork:
        fakes.FakeUnitOfWork.__enter__(self)
        self._touched = {}
        return self

    def write_history(self, rows: list[dict[str, Any]]) -> None:
        self.history += rows
