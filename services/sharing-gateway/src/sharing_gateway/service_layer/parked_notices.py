"""Notices held back until their person is known in the sending agency's region.

An agency acts only on the people of its policy's region, as it receives only theirs. A notice
about a person the gateway does not know (yet), or knows only outside that region, is answered,
recorded and receipted exactly like any other (the agency learns nothing), but parked instead of
passed on: the inbound event, validated, waits in the notice's row. When a registry event shows
an active person with that ID digest in the agency's region, the parked notices go on to
``gateway.inbound.v1``; a rescission of a parked violation discards it. So evaluation never
applies a notice to a person outside its sender's region, neither now nor when the person
appears later.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import sqlalchemy as sa
from marshmallow import ValidationError

from chassis import units
from chassis.contracts import UnknownEventType
from chassis.errors import InvalidInput
from chassis.events import Envelope
from sharing_gateway.adapters.tables import notices, people
from sharing_gateway.domain.policy import Policy
from sharing_gateway.service_layer.unit_of_work import UnitOfWork, UowFactory

log = logging.getLogger("tongxin.gateway.notices")


def person_in_region(uow: UnitOfWork, digests: list[str], policy: Policy) -> str | None:
    """The id of an active person with one of these ID digests (under the current key or one of a
    rotation in progress) in the policy's region, if the gateway knows one."""
    active = sa.and_(people.c.id_digest.in_(digests), people.c.status == "active")
    known = uow.session.execute(sa.select(people.c.person_id, people.c.unit_code).where(active)).all()
    return next((r.person_id for r in known if units.in_subtree(policy.region, r.unit_code)), None)


def held(envelope: Envelope) -> dict:
    """What a parked notice keeps: the inbound event exactly as it will be sent."""
    return envelope.to_dict()


def release(uow: UnitOfWork, policies: Mapping[str, Policy], person: Mapping) -> int:
    """Pass on the notices parked for this person (a registry event's data) whose agency's region
    holds the person now; returns how many."""
    if person.get("status") != "active":
        return 0
    waiting = uow.session.execute(
        sa.select(notices.c.agency, notices.c.notice_id, notices.c.parked).where(
            notices.c.id_digest == person["id_digest"], notices.c.parked.is_not(None)
        )
    ).all()
    count = 0
    for row in waiting:
        policy = policies.get(row.agency)
        if policy is None or not units.in_subtree(policy.region, person["unit_code"]):
            continue
        count += _pass_on(uow, row, person["person_id"])
    return count


def sweep(uow_factory: UowFactory, policies: Mapping[str, Policy]) -> int:
    """Pass on every parked notice whose person the gateway now knows in its agency's region.

    ``release`` runs when a registry event arrives; a notice committed at the same moment as its
    person's registration is seen by neither (each transaction missed the other's row), so the
    worker sweeps the parked notices every few seconds as well (each sweep a transaction of its own)."""
    with uow_factory() as uow:
        waiting = uow.session.execute(
            sa.select(notices.c.agency, notices.c.notice_id, notices.c.id_digest, notices.c.parked).where(
                notices.c.parked.is_not(None)
            )
        ).all()
        count = 0
        for row in waiting:
            policy = policies.get(row.agency)
            person_id = person_in_region(uow, [row.id_digest], policy) if policy is not None else None
            if person_id is not None:
                count += _pass_on(uow, row, person_id)
        uow.commit()
        return count


def _pass_on(uow: UnitOfWork, row, person_id: str) -> int:
    """Unpark one notice and stage its inbound event, once: only the transaction that unparks it
    (the row still parked) stages the event, so a sweep and a release never both send it.

    A parked notice that no longer keeps its contract (the contract changed while it waited) stays
    parked and is logged for an operator: it must not fail the registry event that released it
    (that would dead-letter the person's update) nor every sweep after."""
    held = Envelope.from_dict(row.parked)
    try:
        uow.outbox.check(held.type, held.data)
    except (ValidationError, InvalidInput, UnknownEventType) as exc:
        log.error("parked notice %s/%s no longer keeps its contract; left parked: %s", row.agency, row.notice_id, exc)
        return 0
    unparked = uow.session.execute(
        notices.update()
        .where(notices.c.agency == row.agency, notices.c.notice_id == row.notice_id, notices.c.parked.is_not(None))
        .values(parked=None, person_id=person_id)
    ).rowcount
    if unparked != 1:
        return 0
    uow.emit_held(held)
    return 1


def discard(uow: UnitOfWork, agency: str, notice_id: str) -> None:
    """A parked notice its agency rescinded never goes on."""
    uow.session.execute(
        notices.update().where(notices.c.agency == agency, notices.c.notice_id == notice_id).values(parked=None)
    )
