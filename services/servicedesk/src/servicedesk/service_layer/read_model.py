"""The service desk's view of people (``chassis.people_view``). A person who moves takes
their requests along: ``unit_code`` follows them, so the new town's staff see the
requests and the old town's staff no longer do (the handling unit stays as it was)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis import people_view
from chassis.events import Envelope
from servicedesk.adapters.tables import people, requests, suggestions

PERSON_EVENTS = people_view.PERSON_EVENTS


def apply_person_event(session: Session, envelope: Envelope) -> None:
    row = people_view.apply(session, people, envelope)
    if row is None:
        return
    for table in (requests, suggestions):
        session.execute(
            table.update()
            .where(table.c.person_id == row["person_id"], table.c.unit_code != row["unit_code"])
            .values(unit_code=row["unit_code"])
        )


def reset(session: Session) -> None:
    people_view.reset(session, people)


def digest_of_view(engine: sa.Engine) -> str:
    return people_view.digest(engine, people)
