"""Writing a person's disclosure record (``domain.disclosure_record``): each delivery about a person
indexed in the same transaction as its ledger record, each reveal or export the registry publishes
on ``registry.processing.v1`` in the consumer's transaction, and the index of deliveries recorded
before the index existed (``backfill``, run by ``gateway-admin migrate``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from chassis.events import Envelope
from sharing_gateway.adapters.tables import feed_entries, ledger, person_disclosures
from sharing_gateway.domain import disclosure_record as record
from sharing_gateway.domain.policy import Policy
from sharing_gateway.service_layer.unit_of_work import UnitOfWork


def index_delivery(
    uow: UnitOfWork, persons: Sequence[str], entry: Mapping[str, Any], position: int, policy: Policy | None
) -> None:
    """One row per person the delivered event is about (as the gateway knew it on admission)."""
    if not persons:
        return
    sent = sorted(entry["data"])
    share = policy.share_for(entry["type"]) if policy else None
    purposes = {f: p for f, p in (share.purposes.items() if share else ()) if f in sent and str(p).strip()}
    row = {
        "kind": record.DISCLOSURE,
        "at": dt.datetime.now(dt.UTC),
        "agency": entry["agency"],
        "event_type": entry["type"],
        "event_id": entry["id"],
        "fields": sent,
        "sensitive": record.sensitive_among(entry["type"], sent),
        "purpose": policy.purpose if policy else None,
        "field_purposes": purposes or None,
        "legal_basis": policy.legal_basis if policy else None,
        "policy_version": entry["policyversion"],
        "ledger_position": position,
        "sequence": entry["sequence"],
    }
    uow.disclosures.add([{**row, "person_id": p} for p in persons])


def on_processing(uow: UnitOfWork, envelope: Envelope) -> None:
    """A reveal or an export of a person's sensitive data inside the department (``registry.processing.v1``)."""
    d = envelope.data
    uow.disclosures.add(
        [
            {
                "person_id": d["person_id"],
                "kind": record.KIND_OF_CHANNEL[d["channel"]],
                "at": dt.datetime.fromisoformat(d["at"]),
                "agency": None,
                "event_type": envelope.type,
                "event_id": envelope.id,
                "fields": sorted(d["processed_fields"]),
                "sensitive": True,
                "purpose": d["purpose"],
                "actor": d["actor"],
                "actor_unit": d["actor_unit"],
            }
        ]
    )


def backfill(uow: UnitOfWork, policies: Mapping[str, Policy]) -> int:
    """Index deliveries recorded before the index existed, from the ledger and the entries it records;
    returns how many rows it wrote. Only entries whose data names the person can be attributed so: the
    person of an entry that reached the agency without an id (a veto outcome, an urgent incident) was
    known only to the source event, and is indexed from the index's start on."""
    indexed = sa.select(person_disclosures.c.id).where(person_disclosures.c.ledger_position == ledger.c.position)
    query = (
        sa.select(ledger.c.position, ledger.c.at, feed_entries.c.entry)
        .join(feed_entries, sa.and_(feed_entries.c.agency == ledger.c.agency, feed_entries.c.seq == ledger.c.sequence))
        .where(ledger.c.sequence > 0, ~sa.exists(indexed))
        .order_by(ledger.c.position)
    )
    written = 0
    for position, at, entry in uow.session.execute(query).all():
        persons = record.persons_of(entry["data"])
        policy = policies.get(entry["agency"])
        in_force = policy if policy is not None and policy.version_label == entry["policyversion"] else None
        index_delivery(uow, persons, entry, position, in_force)
        if persons:  # when it was recorded, not now
            uow.session.execute(
                person_disclosures.update()
                .where(person_disclosures.c.ledger_position == position)
                .values(at=dt.datetime.fromisoformat(at))
            )
        written += len(persons)
    return written
