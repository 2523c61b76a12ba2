"""The supervision's view, kept by its worker from four topics: every version of each person (unit,
status, ID digest, from which day; never a name, a category or a role, which nothing here reads),
to read a month's people as they were at its end (``registry.person.v1``), and a fact per event of
``evaluation.v1``, ``servicedesk.v1`` and ``gateway.inbound.v1`` that an indicator reads
(``service_layer.intake``).

Every part is order-free (a version is kept once, by person and version; a fact once, by event
id), so a replay of the four topics, read in whatever interleaving, rebuilds it with the same
digest. ``reset``
empties the view for that replay; the closed months are records, not view, and stay. The event
topics keep their records ``EVENT_RETENTION_DAYS``, so a replay cannot bring back a fact older
than that: ``reset`` keeps the facts older than the window (less a day's margin; one the topic
still holds is kept once, by event id) and empties only the newer ones, which the topics hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import sqlalchemy as sa

from chassis import people_view
from chassis.events import Envelope
from chassis.topics import EVENT_RETENTION_DAYS
from supervision.adapters.tables import facts, person_versions
from supervision.domain import months
from supervision.service_layer.intake import READERS, fact_of, instant
from supervision.service_layer.unit_of_work import UowFactory

PERSON_EVENTS = people_view.PERSON_EVENTS
FACT_EVENTS = tuple(READERS)


def apply_person_event(uow_factory: UowFactory, envelope: Envelope) -> None:
    with uow_factory() as uow:
        d, at = envelope.data, instant(envelope.time)
        uow.supervision.add_person_version(dict(
            person_id=d["person_id"], version=d["version"], unit_code=d["unit_code"], status=d["status"],
            id_digest=d["id_digest"], event_id=envelope.id, event_type=envelope.type,
            from_day=at.astimezone(months.CST).date().isoformat(), at=at.astimezone(dt.UTC).isoformat(),
        ))  # fmt: skip
        uow.commit()


def record_fact(uow_factory: UowFactory, envelope: Envelope) -> None:
    with uow_factory() as uow:
        uow.supervision.add_fact(fact_of(envelope))
        uow.commit()


#: Facts older than this before ``now`` may be gone from their topic: a replay keeps them.
REPLAYABLE = dt.timedelta(days=EVENT_RETENTION_DAYS - 1)


def reset(uow_factory: UowFactory, now: dt.datetime) -> None:
    """Empty the view before a replay: the person versions and facts of the last ``REPLAYABLE``
    (``registry.person.v1`` is compacted, each person's newest version stays); older ones and the
    closed months stay."""
    since = now - REPLAYABLE
    with uow_factory() as uow:
        for table, key in ((person_versions, person_versions.c.event_id), (facts, facts.c.event_id)):
            rows = uow.session.execute(sa.select(key, table.c.at)).all()
            replayable = [k for k, at in rows if instant(at) >= since]
            for start in range(0, len(replayable), 500):
                uow.session.execute(table.delete().where(key.in_(replayable[start : start + 500])))
        uow.commit()


def digest_of_view(engine: sa.Engine) -> str:
    """SHA-256 over every row of the view, in key order: equal before and after a replay."""
    parts = []
    with engine.connect() as conn:
        for table, key in ((person_versions, person_versions.c.event_id), (facts, facts.c.event_id)):
            rows = conn.execute(sa.select(table).order_by(key)).mappings().all()
            parts.append(json.dumps([_plain(r) for r in rows], sort_keys=True, default=str))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _plain(row: sa.RowMapping) -> dict[str, object]:
    # Numeric columns read back as Decimal with the column's scale on both backends; str() is stable.
    return {k: (None if v is None else str(v)) for k, v in row.items()}
