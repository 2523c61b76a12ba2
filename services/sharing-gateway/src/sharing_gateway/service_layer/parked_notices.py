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
import threading
from collections.abc import Mapping

import sqlalchemy as sa

from chassis import units
from chassis.contracts import contract_for
from chassis.events import Envelope
from chassis.outbox import Outbox
from sharing_gateway.adapters.tables import notices, outbox, people
from sharing_gateway.bootstrap import Gateway
from sharing_gateway.domain.policy import Policy

log = logging.getLogger(__name__)


def person_in_region(conn, digests: list[str], policy: Policy) -> str | None:
    """The id of an active person with one of these ID digests (under the current key or one of a
    rotation in progress) in the policy's region, if the gateway knows one."""
    active = sa.and_(people.c.id_digest.in_(digests), people.c.status == "active")
    known = conn.execute(sa.select(people.c.person_id, people.c.unit_code).where(active)).all()
    return next((r.person_id for r in known if units.in_subtree(policy.region, r.unit_code)), None)


def held(envelope: Envelope) -> dict:
    """What a parked notice keeps: the inbound event exactly as it will be sent."""
    return envelope.to_dict()


def release(conn, gw: Gateway, person: Mapping) -> int:
    """Pass on the notices parked for this person (a registry event's data) whose agency's region
    holds the person now; returns how many."""
    if person.get("status") != "active":
        return 0
    waiting = conn.execute(
        sa.select(notices.c.agency, notices.c.notice_id, notices.c.parked).where(
            notices.c.id_digest == person["id_digest"], notices.c.parked.is_not(None)
        )
    ).all()
    count = 0
    for row in waiting:
        policy = gw.policies.get(row.agency)
        if policy is None or not units.in_subtree(policy.region, person["unit_code"]):
            continue
        count += _pass_on(conn, row, person["person_id"])
    return count


def sweep(conn, gw: Gateway) -> int:
    """Pass on every parked notice whose person the gateway now knows in its agency's region.

    ``release`` runs when a registry event arrives; a notice committed at the same moment as its
    person's registration is seen by neither (each transaction missed the other's row), so the
    worker sweeps the parked notices every few seconds as well."""
    waiting = conn.execute(
        sa.select(notices.c.agency, notices.c.notice_id, notices.c.id_digest, notices.c.parked).where(
            notices.c.parked.is_not(None)
        )
    ).all()
    count = 0
    for row in waiting:
        policy = gw.policies.get(row.agency)
        person_id = person_in_region(conn, [row.id_digest], policy) if policy is not None else None
        if person_id is not None:
            count += _pass_on(conn, row, person_id)
    return count


def _pass_on(conn, row, person_id: str) -> int:
    """Unpark one notice and stage its inbound event, once: only the transaction that unparks it
    (the row still parked) stages the event, so a sweep and a release never both send it."""
    unparked = conn.execute(
        notices.update()
        .where(notices.c.agency == row.agency, notices.c.notice_id == row.notice_id, notices.c.parked.is_not(None))
        .values(parked=None, person_id=person_id)
    ).rowcount
    if unparked != 1:
        return 0
    envelope = Envelope.from_dict(row.parked)
    conn.execute(outbox.insert(), Outbox.envelope_row(contract_for(envelope.type).topic, envelope))
    return 1


class ParkedNoticeSweeper:
    """A worker part: every few seconds, ``sweep`` in a transaction of its own."""

    def __init__(self, gw: Gateway, poll_seconds: float = 2.0):
        self.gw, self.poll = gw, poll_seconds
        self._stop = threading.Event()

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                with self.gw.engine.begin() as conn:
                    passed = sweep(conn, self.gw)
                if passed:
                    log.info("passed on %s parked notices", passed)
            except sa.exc.SQLAlchemyError:  # another worker passed them on first, or the database is away
                log.warning("parked notices not swept this time", exc_info=True)
            self._stop.wait(self.poll)

    def stop(self) -> None:
        self._stop.set()


def discard(conn, agency: str, notice_id: str) -> None:
    """A parked notice its agency rescinded never goes on."""
    conn.execute(
        notices.update().where(notices.c.agency == agency, notices.c.notice_id == notice_id).values(parked=None)
    )
