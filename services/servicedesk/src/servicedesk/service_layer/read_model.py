"""The service desk's view of people (``chassis.people_view``). A person who moves takes
their requests along: ``unit_code`` follows them, and requests handled in their old town
(not escalated above it) are handed to their new unit, with a line in each request's
history. The old town's staff no longer see them; the new town's staff do."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis import people_view, units
from chassis.events import Envelope
from chassis.unit_of_work import UnitOfWork, UowFactory
from servicedesk.adapters.tables import people, request_history, requests, suggestions

PERSON_EVENTS = people_view.PERSON_EVENTS


def _town_prefix(unit: str) -> str:
    town = unit if units.level(unit) != "village" else units.parent(unit)
    return units.scope_prefix(town)


def apply_person_event(uow_factory: UowFactory, envelope: Envelope) -> None:
    with uow_factory() as uow:
        _follow_the_person(uow, envelope)
        uow.commit()


def _follow_the_person(uow: UnitOfWork, envelope: Envelope) -> None:
    session = uow.session
    before = session.execute(
        sa.select(people.c.unit_code).where(people.c.person_id == envelope.data["person_id"])
    ).scalar()
    row = people_view.apply(session, people, envelope)
    if row is None or before is None or before == row["unit_code"]:
        return
    new_unit, pid = row["unit_code"], row["person_id"]
    handed = session.execute(
        sa.select(requests.c.id, requests.c.state).where(
            requests.c.person_id == pid,
            requests.c.handling_unit.like(_town_prefix(before) + "%"),
            requests.c.handling_unit != new_unit,
        )
    ).all()
    now = dt.datetime.now(dt.UTC)
    for request_id, state in handed:
        session.execute(request_history.insert(), dict(
            request_id=request_id, at=now, actor="registry", action="transfer", from_state=state, to_state=state,
            handling_unit=new_unit, note=f"诉求人迁至 {new_unit}，转由新属地办理",
        ))  # fmt: skip
    if handed:
        session.execute(
            requests.update().where(requests.c.id.in_([h.id for h in handed])).values(handling_unit=new_unit)
        )
    for table in (requests, suggestions):
        session.execute(table.update().where(table.c.person_id == pid).values(unit_code=new_unit))


def reset(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        people_view.reset(uow.session, people)
        uow.commit()


def digest_of_view(engine: sa.Engine) -> str:
    return people_view.digest(engine, people)
