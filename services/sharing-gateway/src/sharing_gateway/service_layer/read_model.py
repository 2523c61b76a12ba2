"""The gateway's view of people (``chassis.people_view``), kept in step with delivery: a
registry event is delivered with the person's roles as they were *before* it, so the
event that ends someone's CPPCC membership still reaches the CPPCC."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from chassis import people_view
from chassis.events import Envelope
from sharing_gateway.adapters.tables import people
from sharing_gateway.service_layer.unit_of_work import UowFactory

PERSON_EVENTS = people_view.PERSON_EVENTS


def roles_of(session: Any, person_id: str | None) -> list[dict]:
    if not person_id:
        return []
    roles = session.execute(sa.select(people.c.representative_roles).where(people.c.person_id == person_id)).scalar()
    return list(roles or [])


def roles_now(uow_factory: UowFactory, person_id: str | None) -> list[dict]:
    """``roles_of`` in a unit of work of its own (the dry run of a draft policy)."""
    with uow_factory() as uow:
        return roles_of(uow.session, person_id)


def apply_person_event(uow_factory: UowFactory, envelope: Envelope) -> list[dict]:
    """Apply a registry event to the view; returns the person's roles as they were before it."""
    with uow_factory() as uow:
        before = roles_of(uow.session, envelope.data.get("person_id"))
        people_view.apply(uow.session, people, envelope)
        uow.commit()
        return before


def reset(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        people_view.reset(uow.session, people)
        uow.commit()


def digest_of_view(engine: sa.Engine) -> str:
    return people_view.digest(engine, people)
