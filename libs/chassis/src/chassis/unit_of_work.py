"""The unit of work: one transaction for a use case's state change and the events it emits.

Every service's use cases run in one: the service layer opens it from the factory its
bootstrap exposes (``with uow_factory() as uow``), reads and writes through
``uow.session`` (or the repositories a service hangs on it), stages events with
``uow.emit`` and ends with ``uow.commit()``. Leaving the block without a commit rolls
everything back, events included, so a refused rule leaves nothing half-written.

Events go through the outbox's checks (``chassis.outbox``): the contract of their type
and the sensitive-data rule. The gateway's signed feed entries, whose bytes are signed
before they are staged, take the one other path, ``emit_signed``, which checks the feed
entry contract (``chassis.contracts.feed``) instead.

A consumer's use case joins the transaction the consumer runner opened (``joined``, which
hands it a factory of units on that session): its work runs in a SAVEPOINT, ``commit``
releases it (the runner commits the effect with its tracking row), and leaving without a
commit rolls back to it, so a joined unit of work keeps the same promise as a fresh one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis.contracts.feed import check_feed_entry
from chassis.events import Envelope, utcnow
from chassis.outbox import Outbox
from chassis.topics import agency_feed


class UnitOfWork:
    """A fresh transaction, or (``session=``) the transaction its owner opened and commits."""

    def __init__(self, engine: sa.Engine, outbox: Outbox, *, session: Session | None = None):
        self.engine = engine
        self.outbox = outbox
        self._given_session = session
        self.session: Session
        self._savepoint: Any = None

    def __enter__(self) -> UnitOfWork:
        self.session = self._given_session or Session(self.engine)
        if self._given_session is None:
            self.session.begin()
            self._savepoint = None
        else:
            self._savepoint = self.session.begin_nested()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._given_session is not None:
            if self._savepoint is not None and self._savepoint.is_active:
                self._savepoint.rollback()  # not committed: undo this unit's part, not the owner's
            return  # the owner of the session commits or rolls back the whole
        if self.session.in_transaction():
            self.session.rollback()
        self.session.close()

    def emit(self, event_type: str, subject: str, data: Mapping[str, Any]) -> Envelope:
        """Check ``data`` against its contract and the sensitive-data rule, and stage the event."""
        return self.outbox.add(self.session, event_type, subject, data)

    def prepare(self, event_type: str, subject: str, data: Mapping[str, Any]) -> Envelope:
        """The event ``emit`` would stage, checked the same way, for a use case that holds it back
        (the gateway parks a notice until it knows the person) and emits it later with ``emit_held``."""
        envelope, _ = self.outbox.row(event_type, subject, data)
        return envelope

    def emit_held(self, envelope: Envelope) -> None:
        """Stage an event prepared earlier, as it was (same id), after checking it again."""
        contract = self.outbox.check(envelope.type, envelope.data)
        self.session.execute(self.outbox.table.insert(), self.outbox.envelope_row(contract.topic, envelope))

    def emit_many(self, events: Sequence[tuple[str, str, Mapping[str, Any]]]) -> list[Envelope]:
        """Stage several (type, subject, data) events in order, each checked like ``emit``."""
        return self.outbox.add_many(self.session, list(events))

    def emit_signed(self, agency: str, event_id: str, entry: Mapping[str, Any]) -> None:
        """Stage a signed entry of an agency's feed (``feed.<agency>.v1``) after checking its contract;
        the relay publishes the entry as compact JSON, exactly the fields that were signed."""
        check_feed_entry(agency, entry)
        payload = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
        row = {
            "event_id": event_id,
            "topic": agency_feed(agency),
            "key": agency,
            "event_type": entry["type"],
            "payload": payload,
            "created_at": utcnow(),
            "attempts": 0,
            "published_at": None,
            "last_error": None,
        }
        self.session.execute(self.outbox.table.insert(), row)

    def commit(self) -> None:
        if self._given_session is None:
            self.session.commit()
        elif self._savepoint is not None and self._savepoint.is_active:
            self._savepoint.commit()  # RELEASE SAVEPOINT: the owner's commit makes it durable

    def rollback(self) -> None:
        if self._given_session is None:
            self.session.rollback()
        elif self._savepoint is not None and self._savepoint.is_active:
            self._savepoint.rollback()


#: What a service's bootstrap exposes and its use cases take: a new unit of work per call.
UowFactory = Callable[[], UnitOfWork]


def joining(factory: Callable[..., UnitOfWork], session: Session) -> Callable[..., UnitOfWork]:
    """A factory of units of work that join ``session``: the consumer runner's transaction, so a
    use case's effect commits with the runner's tracking row (``chassis.consumer``). It takes the
    same arguments as ``factory`` (the registry's names its actor)."""
    return lambda *args: factory(*args, session=session)


def joined(
    factory: Callable[..., UnitOfWork], use_case: Callable[[Callable[..., UnitOfWork], Envelope], None]
) -> Callable[[Session, Envelope], None]:
    """A consumer handler that runs ``use_case(uow_factory, envelope)`` in the runner's transaction."""

    def handle(session: Session, envelope: Envelope) -> None:
        use_case(joining(factory, session), envelope)

    return handle
