"""The registry's unit of work: the chassis one, plus the people repository and their history.

On commit, everything each touched Person recorded is written to ``person_history``
(sensitive values masked) and to the outbox (as ``registry.person.v1`` events), in
the same database transaction as the state itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis.digests import DigestKey
from chassis.unit_of_work import UnitOfWork as ChassisUnitOfWork
from registry.adapters.repository import AdminUnitRepository, PersonRepository
from registry.adapters.tables import EVENTS, history
from registry.domain.person import Person


class UnitOfWork(ChassisUnitOfWork):
    """A fresh transaction, or (for consumers) the transaction the consumer runner opened."""

    def __init__(
        self,
        engine: sa.Engine,
        id_secret: DigestKey,
        actor: str,
        session: Session | None = None,
        previous_keys: Sequence[DigestKey] = (),
    ):
        super().__init__(engine, EVENTS, session=session)
        self.id_secret = id_secret
        self.previous_keys = previous_keys
        self.actor = actor

    def __enter__(self) -> UnitOfWork:
        super().__enter__()
        self.people = PersonRepository(self.session, self.id_secret, self.previous_keys)
        self.units = AdminUnitRepository(self.session)
        self._touched: dict[str, Person] = {}
        return self

    def track(self, *persons: Person) -> None:
        for person in persons:
            self._touched[person.id] = person

    def commit(self) -> None:
        self.record_touched()
        super().commit()

    def record_touched(self) -> None:
        """Write what every touched person recorded: its history rows and its events."""
        now = dt.datetime.now(dt.UTC)
        self.people.flush()
        history_rows, events = [], []
        for person in self._touched.values():
            snapshot = person.snapshot(self.id_secret)
            for recorded in person.recorded:
                history_rows.append(
                    dict(
                        person_id=person.id,
                        version=recorded.version,
                        action=recorded.action,
                        changes=[c.masked() for c in recorded.changes],
                        actor=self.actor,
                        at=now,
                    )
                )
                if recorded.event is not None:
                    data = {**snapshot, "version": recorded.event_version, **recorded.extra}
                    events.append((recorded.event, person.id, data))
            person.recorded.clear()
        self.write_history(history_rows)
        self.emit_many(events)

    def write_history(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(history.insert(), rows)


#: What the registry's bootstrap exposes and its use cases take: a new unit of work for an actor.
UowFactory = Callable[[str], UnitOfWork]
