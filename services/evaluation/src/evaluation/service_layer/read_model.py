"""Evaluation's view of people (``chassis.people_view``), plus one duty of its own: a
violation notice that arrived before the person did is linked when the person appears."""

from __future__ import annotations

import sqlalchemy as sa

from chassis import people_view
from chassis.events import Envelope
from chassis.unit_of_work import UowFactory
from evaluation.adapters.tables import people, violations

PERSON_EVENTS = people_view.PERSON_EVENTS


def apply_person_event(uow_factory: UowFactory, envelope: Envelope) -> None:
    with uow_factory() as uow:
        people_view.apply(uow.session, people, envelope)
        d = envelope.data
        uow.session.execute(
            violations.update()
            .where(violations.c.person_id.is_(None), violations.c.id_digest == d["id_digest"])
            .values(person_id=d["person_id"])
        )
        uow.commit()


def reset(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        people_view.reset(uow.session, people)
        uow.commit()


def digest_of_view(engine: sa.Engine) -> str:
    return people_view.digest(engine, people)
