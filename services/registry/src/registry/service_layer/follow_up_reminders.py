"""Reminders of follow-ups falling due: the registry worker's periodic job.

Each open follow-up whose planned day has come (China Standard Time) is reminded once: its
``reminded_at`` is claimed with a conditional UPDATE and the ``follow_up_due`` event staged in the
same transaction, so a second worker, a rerun after a crash or a redelivery sends nothing twice,
and a rollback sends nothing at all. No reminder for a person archived or merged away, or no
longer a representative. The event carries references only (``contracts.liaison``).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis.contracts.liaison import FOLLOW_UP_DUE
from registry.adapters.liaison_tables import follow_ups, responsible_cadres
from registry.adapters.tables import people
from registry.domain import liaison
from registry.service_layer.follow_up_lists import IN_CONTACT
from registry.service_layer.unit_of_work import UowFactory

ACTOR = "registry:follow-up-reminders"
BATCH = 200


def remind_due(uow_factory: UowFactory, now: dt.datetime | None = None, batch: int = BATCH) -> int:
    """Stage one reminder per follow-up that fell due and was not reminded; returns how many."""
    now = now or dt.datetime.now(dt.UTC)
    today = liaison.today_in_china(now)
    current = sa.and_(responsible_cadres.c.person_id == people.c.id, responsible_cadres.c.ended_at.is_(None))
    query = (
        sa.select(
            follow_ups.c.id,
            follow_ups.c.person_id,
            follow_ups.c.due_on,
            people.c.unit_code,
            responsible_cadres.c.cadre_subject,
            responsible_cadres.c.cadre_unit,
        )
        .join(people, people.c.id == follow_ups.c.person_id)
        .outerjoin(responsible_cadres, current)
        .where(follow_ups.c.state == liaison.OPEN, follow_ups.c.due_on <= today, follow_ups.c.reminded_at.is_(None))
        .where(*IN_CONTACT)
        .order_by(follow_ups.c.due_on, follow_ups.c.id)
        .limit(batch)
    )
    sent = 0
    with uow_factory(ACTOR) as uow:
        for row in uow.session.execute(query).mappings().all():
            claim = (
                follow_ups.update()
                .where(follow_ups.c.id == row["id"], follow_ups.c.reminded_at.is_(None))
                .values(reminded_at=now)
            )
            if uow.session.execute(claim).rowcount != 1:
                continue  # another worker reminded it meanwhile
            data = {
                "follow_up_id": str(row["id"]),
                "person_id": row["person_id"],
                "unit_code": row["unit_code"],
                "cadre_subject": row["cadre_subject"],
                "cadre_unit": row["cadre_unit"],
                "due_on": row["due_on"],
                "reminded_at": now,
            }
            uow.emit(FOLLOW_UP_DUE, row["person_id"], data)
            sent += 1
        uow.commit()
    return sent
