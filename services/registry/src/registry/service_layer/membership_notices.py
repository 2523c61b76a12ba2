"""Applies the NPC's and the CPPCC's membership notices (consumer of ``gateway.inbound.v1``).

A confirmed deputyship or membership adds the role (at that body and level, since the day it
took effect); an ended one removes it. The notice is the source: the role change's history names
the agency and the notice id, and a confirmation is stored as the vetting record the role rests
on (the body itself decided). The person is found by the keyed ID digest the gateway carries.

A notice the registry cannot apply is parked in ``parked_notices`` and logged, never retried in
a loop: no active person with that digest, a body or level it does not know, an agency speaking
for another body than its own (the NPC confirms deputies, the CPPCC members), or a confirmation
while the person's qualification in that body stands revoked (the registry refuses that role to
everyone until the revocation ends; staff see the parked notice), or a notice older than one already
applied to that seat (``domain.qualification.notice_is_stale``: an agency resending an old
confirmation after the membership ended must not bring the role back). A redelivered notice changes
nothing (the consumer runner's processed events, and a role already in the state it asks for).
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from chassis.contracts.gateway import MEMBERSHIP_CONFIRMED, MEMBERSHIP_ENDED
from chassis.events import Envelope
from registry.adapters.tables import parked_notices, people, seat_notices
from registry.domain import qualification as rules
from registry.domain.categories import LEVELS, REPRESENTATIVE_BODIES
from registry.domain.person import Person
from registry.service_layer import qualifications
from registry.service_layer.unit_of_work import UnitOfWork, UowFactory

CONFIRMED, ENDED = MEMBERSHIP_CONFIRMED, MEMBERSHIP_ENDED
NOTICE_BODIES = ("npc", "cppcc")
log = logging.getLogger(__name__)


def membership_confirmed(uow_factory: UowFactory, envelope: Envelope) -> None:
    _apply(uow_factory, envelope, confirmed=True)


def membership_ended(uow_factory: UowFactory, envelope: Envelope) -> None:
    _apply(uow_factory, envelope, confirmed=False)


def apply_notice(uow_factory: UowFactory, envelope: Envelope) -> str | None:
    """Apply a notice of either kind (staff re-applying a parked one); returns why it stays parked."""
    return _apply(uow_factory, envelope, confirmed=envelope.type == CONFIRMED)


def _apply(uow_factory: UowFactory, envelope: Envelope, confirmed: bool) -> str | None:
    """Apply the notice, or park it; returns why it was parked (None: applied)."""
    data = envelope.data
    body, level, notice_id = data["body"], data["level"], data["notice_id"]
    effective_on = dt.date.fromisoformat(str(data["effective_on"]))
    with uow_factory(f"notice:{data['agency']}") as uow:
        person_id = _person_with_digest(uow, data["id_digest"])
        person = uow.people.get(person_id, for_update=True) if person_id else None
        why = _why_not(uow, person, data, confirmed, effective_on)
        if why or person is None:
            _park(uow, envelope, why or "unknown_person")
            uow.commit()
            return why or "unknown_person"
        same_seat = [r for r in person.representative_roles if (r["body"], r["level"]) == (body, level)]
        others = [r for r in person.representative_roles if r not in same_seat]
        what = f"{REPRESENTATIVE_BODIES[body]}（{LEVELS[level]}）"
        if confirmed:
            role = {"body": body, "level": level, "title": data.get("title"), "since": data["effective_on"]}
            changed = person.set_representative_roles([*others, role], f"{data['agency']} 通知 {notice_id}：确认{what}")
            if changed and not same_seat:
                received = dt.datetime.fromisoformat(data["received_at"])
                basis = f"{data['agency']} 确认{what}，{data['effective_on']} 起"
                by = f"notice:{data['agency']}"  # the body's own word, spent on the seat it confirms
                vetting = rules.Vetting(body, "notice", basis, by, received, notice_id, spent_at=received)
                qualifications.record_vettings(uow, person.id, [vetting])
        else:
            changed = bool(same_seat) and person.set_representative_roles(
                others, f"{data['agency']} 通知 {notice_id}：{data['effective_on']} 起不再担任{what}"
            )
        _record_applied(uow, person.id, data, not confirmed, effective_on)
        if changed:
            uow.people.save(person)
            uow.track(person)
        uow.commit()
        return None


def _why_not(uow: UnitOfWork, person: Person | None, data: dict, confirmed: bool, effective_on: dt.date) -> str | None:
    """Why the notice cannot be applied, or None."""
    body, level = data["body"], data["level"]
    if body not in NOTICE_BODIES or level not in LEVELS:
        return "unknown_role"
    if data["agency"] != body:
        return "agency_not_body"
    if person is None:
        return "unknown_person"
    records = qualifications.records_of(uow, person)
    lost = qualifications.ineligibilities_of(uow, records)
    if confirmed and any(i.body == body and i.stands_on(dt.date.today()) for i in lost):
        return "ineligible"
    held = [r.get("since") for r in person.representative_roles if (r["body"], r["level"]) == (body, level)]
    since = dt.date.fromisoformat(str(held[0])) if held and held[0] else None
    if rules.notice_is_stale(not confirmed, effective_on, _applied(uow, records, body, level), since):
        return "stale"
    return None


def _applied(uow: UnitOfWork, person_ids: list[str], body: str, level: str) -> list[tuple[bool, dt.date]]:
    query = sa.select(seat_notices.c.ended, seat_notices.c.effective_on).where(
        seat_notices.c.person_id.in_(person_ids), seat_notices.c.body == body, seat_notices.c.level == level
    )
    return [(bool(ended), day) for ended, day in uow.session.execute(query)]


def _record_applied(uow: UnitOfWork, person_id: str, data: dict, ended: bool, effective_on: dt.date) -> None:
    uow.session.execute(
        seat_notices.insert().values(
            person_id=person_id,
            body=data["body"],
            level=data["level"],
            ended=ended,
            effective_on=effective_on,
            agency=data["agency"],
            notice_id=data["notice_id"],
            applied_at=dt.datetime.now(dt.UTC),
        )
    )


def _person_with_digest(uow: UnitOfWork, digest: str) -> str | None:
    query = sa.select(people.c.id).where(people.c.id_digest == digest, people.c.status == "active")
    return uow.session.execute(query).scalar()


def _park(uow: UnitOfWork, envelope: Envelope, why: str) -> None:
    data = envelope.data
    key = (parked_notices.c.agency == data["agency"], parked_notices.c.notice_id == data["notice_id"])
    exists = uow.session.execute(sa.select(parked_notices.c.notice_id).where(*key)).first()
    if exists is None:
        uow.session.execute(
            parked_notices.insert().values(
                notice_id=data["notice_id"],
                event_type=envelope.type,
                agency=data["agency"],
                body=str(data["body"])[:20],
                why=why,
                received_at=dt.datetime.fromisoformat(data["received_at"]),
                parked_at=dt.datetime.now(dt.UTC),
                notice=dict(data),
            )
        )
    log.warning("membership notice parked: %s %s (%s)", data["agency"], data["notice_id"], why)
