"""Processing records of sensitive data are kept at least three years (PIPL Art. 55-56), and no
longer than the record needs: the job deletes the gateway's copies of reveals and exports, and the
look-ups of people's disclosure records, once older than ``retention_cutoff``; nothing younger, ever.
The disclosure ledger is never deleted (its triggers refuse it), nor the index of its deliveries."""

from __future__ import annotations

import datetime as dt

from sharing_gateway.adapters.tables import disclosure_lookups, person_disclosures
from sharing_gateway.domain import disclosure_record
from sharing_gateway.service_layer.unit_of_work import UowFactory


def purge(uow_factory: UowFactory, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete what is past the retention period; returns how many rows of each kind (empty if none)."""
    cutoff = disclosure_record.retention_cutoff(now or dt.datetime.now(dt.UTC))
    with uow_factory() as uow:
        processing = uow.session.execute(
            person_disclosures.delete().where(
                person_disclosures.c.kind.in_(disclosure_record.EXPIRING_KINDS), person_disclosures.c.at < cutoff
            )
        ).rowcount
        lookups = uow.session.execute(disclosure_lookups.delete().where(disclosure_lookups.c.at < cutoff)).rowcount
        uow.commit()
    return {k: v for k, v in (("processing_records", processing), ("lookups", lookups)) if v}
