"""Agencies' feeds and the disclosure ledger, with SQLAlchemy Core: what delivering an event reads
and writes. Sequence numbers and the ledger head are taken under the row lock that serialises
deliveries on PostgreSQL (SQLite's writer lock already does)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from sharing_gateway.adapters.data_request_tables import policy_grants
from sharing_gateway.adapters.tables import (
    agencies,
    feed_entries,
    held_events,
    ledger,
    ledger_head,
    person_disclosures,
)


class FeedRepository:
    def __init__(self, session: Session):
        self.session = session

    def in_force(self, agency: str, policy_version: str) -> bool:
        """The agency's feed runs: not paused, and ``policy_version`` is the approved one."""
        query = sa.select(agencies.c.paused, agencies.c.policy_version).where(agencies.c.code == agency)
        row = self.session.execute(query).first()
        return row is not None and not row.paused and row.policy_version == policy_version

    def hold(self, agency: str, envelope: dict[str, Any], roles_before: list[dict[str, Any]] | None) -> None:
        row = dict(agency=agency, envelope=envelope, roles_before=roles_before, held_at=dt.datetime.now(dt.UTC))
        self.session.execute(held_events.insert(), row)

    def has_entry(self, agency: str, event_id: str) -> bool:
        query = sa.select(feed_entries.c.seq).where(
            feed_entries.c.agency == agency, feed_entries.c.event_id == event_id
        )
        return self.session.execute(query).first() is not None

    def next_sequence(self, agency: str) -> int:
        bump = agencies.update().where(agencies.c.code == agency).values(last_seq=agencies.c.last_seq + 1)
        return int(self.session.execute(bump.returning(agencies.c.last_seq)).scalar_one())

    def add_entry(self, agency: str, seq: int, event_id: str, event_type: str, entry: dict[str, Any]) -> None:
        row = dict(agency=agency, seq=seq, event_id=event_id, event_type=event_type, entry=entry)
        self.session.execute(feed_entries.insert(), {**row, "created_at": dt.datetime.now(dt.UTC)})


class LedgerRepository:
    def __init__(self, session: Session):
        self.session = session

    def lock(self) -> None:
        """Take the head's lock before changing any agency's row (its feed sequence, pause, policy version or
        grant revision). The gateway's one lock order is the ledger's head first, then agencies' rows: a notice's
        receipt appends to the ledger before its feed, so a delivery that took its feed's row first and then
        waited for the ledger would deadlock with it on PostgreSQL. SQLite's writer lock serialises anyway."""
        self.head()

    def head(self) -> dict[str, Any]:
        """The chain's last position and hash, locked until the transaction ends."""
        query = sa.select(ledger_head).where(ledger_head.c.id == 1).with_for_update()
        return dict(self.session.execute(query).mappings().one())

    def append(self, record: dict[str, Any]) -> None:
        self.session.execute(ledger.insert(), record)
        move = ledger_head.update().where(ledger_head.c.id == 1)
        self.session.execute(move.values(position=record["position"], hash=record["hash"]))


class PersonDisclosureRepository:
    """People's disclosure records: rows are only ever added here (the retention job deletes old ones)."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(person_disclosures.insert(), rows)


class GrantRepository:
    """The data grants layered on agencies' policy files (``domain.grants``), as delivery reads them."""

    def __init__(self, session: Session):
        self.session = session

    def revisions(self, codes: list[str]) -> dict[str, int]:
        """Each agency's grant revision (an agency without a row is missing)."""
        query = sa.select(agencies.c.code, agencies.c.grant_revision).where(agencies.c.code.in_(codes))
        return {code: int(revision or 0) for code, revision in self.session.execute(query)}

    def in_force(self, codes: list[str]) -> list[dict[str, Any]]:
        """The grants not ended, oldest first; one past its end is not in force even before the
        worker records its expiry. (So the grants in force under a label ``+gN`` at a time T are those
        granted at or before revision N, not ended by it, and whose end is after T.)"""
        query = sa.select(policy_grants).where(
            policy_grants.c.ended_at.is_(None),
            policy_grants.c.ends_at > dt.datetime.now(dt.UTC),
            policy_grants.c.agency.in_(codes),
        )
        return [dict(r) for r in self.session.execute(query.order_by(policy_grants.c.id)).mappings()]
