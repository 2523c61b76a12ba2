"""The supervision's view, kept by its worker from four topics: the people view and each person's
newest record date (``registry.person.v1``), and a fact per event of ``evaluation.v1``,
``servicedesk.v1`` and ``gateway.inbound.v1`` that an indicator reads (``service_layer.intake``).

Every part is order-free (newest version wins; a fact is kept once, by event id), so a replay
of the four topics, read in whatever interleaving, rebuilds it with the same digest. ``reset``
empties the view for that replay; the closed months are records, not view, and stay.
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa

from chassis import people_view
from chassis.events import Envelope
from supervision.adapters.tables import facts, people, record_dates
from supervision.domain import months
from supervision.service_layer.intake import READERS, fact_of, instant
from supervision.service_layer.unit_of_work import UowFactory

PERSON_EVENTS = people_view.PERSON_EVENTS
FACT_EVENTS = tuple(READERS)


def apply_person_event(uow_factory: UowFactory, envelope: Envelope) -> None:
    with uow_factory() as uow:
        row = people_view.apply(uow.session, people, envelope)
        if row is not None:
            day = instant(envelope.time).astimezone(months.CST).date().isoformat()
            uow.supervision.note_record_date(row["person_id"], row["version"], envelope.id, envelope.type, day)
        uow.commit()


def record_fact(uow_factory: UowFactory, envelope: Envelope) -> None:
    with uow_factory() as uow:
        uow.supervision.add_fact(fact_of(envelope))
        uow.commit()


def reset(uow_factory: UowFactory) -> None:
    """Empty the view (people, record dates, facts) before a replay; closed months stay."""
    with uow_factory() as uow:
        people_view.reset(uow.session, people)
        uow.session.execute(record_dates.delete())
        uow.session.execute(facts.delete())
        uow.commit()


def digest_of_view(engine: sa.Engine) -> str:
    """SHA-256 over every row of the view, in key order: equal before and after a replay."""
    parts = [people_view.digest(engine, people)]
    with engine.connect() as conn:
        for table, key in ((record_dates, record_dates.c.person_id), (facts, facts.c.event_id)):
            rows = conn.execute(sa.select(table).order_by(key)).mappings().all()
            parts.append(json.dumps([_plain(r) for r in rows], sort_keys=True, default=str))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _plain(row: sa.RowMapping) -> dict[str, object]:
    # Numeric columns read back as Decimal with the column's scale on both backends; str() is stable.
    return {k: (None if v is None else str(v)) for k, v in row.items()}
