"""Evaluation's view of people (``chassis.people_view``), plus one duty of its own: a
violation notice that arrived before the person did is linked when the person appears."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis import people_view
from chassis.events import Envelope
from evaluation.adapters.tables import people, violations

PERSON_EVENTS = people_view.PERSON_EVENTS


def apply_person_event(session: Session, envelope: Envelope) -> None:
    people_view.apply(session, people, envelope)
    d = envelope.data
    session.execute(
        violations.update()
        .where(violations.c.person_id.is_(None), violations.c.id_digest == d["id_digest"])
        .values(person_id=d["person_id"])
    )


def reset(session: Session) -> None:
    people_view.reset(session, people)


def digest_of_view(engine: sa.Engine) -> str:
    return people_view.digest(engine, people)
