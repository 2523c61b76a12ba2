"""Evaluation's view of people (``chassis.people_view``), plus one duty of its own: a
violation notice that arrived before the person did is linked when the person appears."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis import people_view
from chassis.auth import Principal
from chassis.errors import NotFound
from chassis.events import Envelope
from chassis.unit_of_work import UowFactory
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


def person(uow_factory: UowFactory, principal: Principal, person_id: str) -> dict:
    """The evaluation's record of a person (what it knows from the registry), in the caller's scope."""
    with uow_factory() as uow:
        row = uow.session.execute(sa.select(people).where(people.c.person_id == person_id)).mappings().first()
    if row is None or not principal.sees(row["unit_code"]):
        raise NotFound("评价服务中没有此人（可能尚未从登记库同步）", "Evaluation does not know this person (yet)")
    return {k: v for k, v in row.items() if k != "id_digest"}
