"""The disclosure ledger: one append-only, hash-chained record per delivery, written in
the same transaction as the feed entry it records (``sharing_gateway.domain.ledger``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

import sqlalchemy as sa

from sharing_gateway.adapters.tables import ledger, ledger_head
from sharing_gateway.domain import ledger as chain
from sharing_gateway.domain.signing import canonical
from sharing_gateway.service_layer.unit_of_work import UnitOfWork, UowFactory


def ensure_head(uow: UnitOfWork) -> None:
    if uow.session.execute(sa.select(ledger_head.c.id)).first() is None:
        uow.session.execute(ledger_head.insert(), dict(id=1, position=0, hash=chain.GENESIS))


def append(uow: UnitOfWork, agency: str, entry: dict, policy_version: str) -> int:
    """Record one delivery into an agency's feed."""
    return _append(
        uow,
        {
            "agency": agency,
            "event_id": entry["id"],
            "sequence": entry["sequence"],
            "event_type": entry["type"],
            "fields": sorted(entry["data"]),
            "policy_version": policy_version,
            "payload_digest": chain.entry_digest(entry),
        },
    )


def append_administration(
    uow: UnitOfWork,
    agency: str,
    event_type: str,
    event_id: str,
    facts: dict,
    policy_version: str | None,
    requested_by: str,
    approved_by: str | None = None,
) -> int:
    """Record an act of administration on an agency's access (a key asked for, issued or revoked, a
    policy activated): what, and who asked and who approved (subject ids, in the record's hash), in
    the same chain as the deliveries. Sequence 0: not a feed entry."""
    return _append(
        uow,
        {
            "agency": agency,
            "event_id": event_id,
            "sequence": 0,
            "event_type": event_type,
            "fields": sorted(facts),
            "policy_version": policy_version or "",
            "payload_digest": hashlib.sha256(canonical(facts)).hexdigest(),
            "requested_by": requested_by,
            "approved_by": approved_by,
        },
    )


def append_notice(
    uow: UnitOfWork, agency: str, event_type: str, content_digest: str, fields: list[str], policy_version: str
) -> int:
    """Record a notice an agency signed: the SHA-256 of its exact content (also its event id, as the
    notice's own id may be longer than the ledger's) and which data fields it carried."""
    return _append(
        uow,
        {
            "agency": agency,
            "event_id": content_digest,
            "sequence": 0,
            "event_type": event_type,
            "fields": fields,
            "policy_version": policy_version,
            "payload_digest": content_digest,
        },
    )


def _append(uow: UnitOfWork, content: dict) -> int:
    # FOR UPDATE serialises appends on PostgreSQL; SQLite's writer lock already does.
    head = uow.ledger.head()
    record = {"position": head["position"] + 1, **content, "at": dt.datetime.now(dt.UTC).isoformat()}
    record["prev_hash"] = head["hash"]
    record["hash"] = chain.record_hash(head["hash"], record)
    uow.ledger.append(record)
    return record["position"]


def records(uow: UnitOfWork, visible: list[str], agency: str | None, after: int, limit: int) -> list[dict]:
    """Records after ``after`` about the agencies in ``visible`` (those whose region the caller's
    unit contains: ``agencies.visible``); another agency's records are left out, never counted."""
    query = sa.select(ledger).where(ledger.c.position > after, ledger.c.agency.in_(visible))
    if agency:
        query = query.where(ledger.c.agency == agency)
    return [dict(r) for r in uow.session.execute(query.order_by(ledger.c.position).limit(limit)).mappings()]


def verify_all(
    uow_factory: UowFactory, checkpoints: dict[int, str] | None = None, entries: list[dict] = ()
) -> chain.Verdict:
    """``verify`` in a unit of work of its own (the operator's ``gateway-admin verify``)."""
    with uow_factory() as uow:
        return verify(uow, checkpoints, entries)


def verify(uow: UnitOfWork, checkpoints: dict[int, str] | None = None, entries: list[dict] = ()) -> chain.Verdict:
    """The chain, and against the ``checkpoints`` ({position: head hash}) and feed ``entries`` an
    agency kept, if given (``domain.ledger.verify``)."""
    # The head is read before the records: a record appended while they are read (the feed goes on)
    # only lengthens the walk, whereas a head read after them ran ahead of their snapshot and made a
    # ledger that was growing look cut short.
    head = uow.session.execute(sa.select(ledger_head)).mappings().first()
    in_order = sa.select(ledger).order_by(ledger.c.position)
    rows = uow.session.execute(in_order, execution_options={"yield_per": 5000}).mappings()
    verdict = chain.verify(rows, checkpoints, entries)
    if verdict.ok:
        if head and head["position"] > verdict.records:
            return dataclasses.replace(
                verdict, ok=False, position=verdict.records + 1, problem="records after the last one are missing"
            )
    return verdict
