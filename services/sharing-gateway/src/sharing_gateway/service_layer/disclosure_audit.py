"""The record of look-ups of people's disclosure records (``disclosure_lookups``): reading a person's
record is itself processing of their data (PIPL Art. 55), so each look-up leaves a row: who (subject
id, unit), whom, what, when. Failed ones too (refused, nobody found, an invalid ID number), in their
own transaction, so probing for who is in the registry leaves a trace; a failed look-up by ID number
is recorded by the digest key's id, never by the number."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from chassis.auth import Principal
from chassis.errors import Forbidden, InvalidInput, NotFound
from sharing_gateway.adapters.tables import disclosure_lookups
from sharing_gateway.service_layer.unit_of_work import UnitOfWork, UowFactory

#: What a look-up read: a page of the record, its signed report, or who holds an ID number.
RECORD, REPORT, ID_NUMBER = "record", "report", "id_number"
#: Appended to what a look-up read when it failed: the role refused, or nobody (in scope) found.
REFUSED, NO_MATCH, INVALID = "_refused", "_no_match", "_invalid"


@contextlib.contextmanager
def recorded(uow_factory: UowFactory, principal: Principal, asked: str, what: str) -> Iterator[None]:
    """Record a look-up that fails (refused, nobody found, an invalid ID number) in its own
    transaction, then let the failure through unchanged."""
    try:
        yield
    except (Forbidden, NotFound, InvalidInput) as exc:
        if isinstance(exc, InvalidInput) and what != ID_NUMBER:
            raise  # a bad filter or cursor: no look-up took place
        outcome = REFUSED if isinstance(exc, Forbidden) else NO_MATCH if isinstance(exc, NotFound) else INVALID
        with uow_factory() as uow:
            audit(uow, principal, asked[:36], what + outcome)
            uow.commit()
        raise


def audit(uow: UnitOfWork, principal: Principal, person_id: str, what: str) -> None:
    """One look-up, in the caller's transaction."""
    row = dict(person_id=person_id, looked_up_by=principal.subject, unit=principal.unit, what=what)
    uow.session.execute(disclosure_lookups.insert(), {**row, "at": dt.datetime.now(dt.UTC)})
