"""Signed checkpoints of the disclosure ledger: (position, head hash, time), signed with the
gateway's feed key and handed to every agency, so the evidence of what was disclosed is also
held outside the department's database. Whoever rewrites the ledger and recomputes every hash
still cannot match a checkpoint an agency already holds, nor sign a new one without the key.

When one is due: ``every`` records after the last, or ``interval`` after it, but never for
nothing but the last checkpoint's own deliveries (which would checkpoint forever). Each
checkpoint carries that promise, signed (``cadence``): an agency that receives deliveries
well past ``interval`` after the last checkpoint without a new one can show that a checkpoint
was withheld.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from chassis.contracts.gateway import CHECKPOINT
from sharing_gateway.domain import signing

TYPE = CHECKPOINT


def make(
    signer: signing.Signer, position: int, head_hash: str, time: dt.datetime, every: int, interval: dt.timedelta
) -> dict[str, Any]:
    cadence = {"every_entries": every, "interval_seconds": int(interval.total_seconds())}
    return signer.sign({"position": position, "head_hash": head_hash, "time": time.isoformat(), "cadence": cadence})


def due(
    head: int, last_position: int, last_through: int, last_at: dt.datetime | None, now: dt.datetime, every: int,
    interval: dt.timedelta,
) -> bool:  # fmt: skip
    if head <= last_through:
        return False
    return last_at is None or head - last_position >= every or now - last_at >= interval


def from_export(items: Iterable[Any]) -> list[dict[str, Any]]:
    """The checkpoints in what an agency kept: checkpoints themselves, its feed entries of the
    checkpoint type (their ``data``), or feed pages (``entries``); anything else is skipped."""
    found = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("entries"), list):
            found += from_export(item["entries"])
        elif item.get("type") == TYPE and isinstance(item.get("data"), dict):
            found.append(item["data"])
        elif {"position", "head_hash", "signature"} <= item.keys():
            found.append(item)
    return found


def entries_from_export(items: Iterable[Any]) -> list[dict[str, Any]]:
    """The signed feed entries in what an agency kept (entries themselves or feed pages), checkpoint
    entries included: each pins down its delivery's ledger record (``domain.ledger.verify``)."""
    found = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("entries"), list):
            found += entries_from_export(item["entries"])
        elif isinstance(item.get("signature"), dict) and isinstance(item.get("sequence"), int) and "agency" in item:
            found.append(item)
    return found


def trusted_entries(
    entries: Iterable[dict[str, Any]], jwks: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[Any]]:
    """(the entries the gateway's keys verify, (agency, sequence) of those that do not)."""
    good: list[dict[str, Any]] = []
    forged: list[Any] = []
    for entry in entries:
        ok = {"id", "type", "data", "policyversion"} <= entry.keys() and signing.verify(entry, jwks)
        if ok:
            good.append(entry)
        else:
            forged.append((entry.get("agency"), entry.get("sequence")))
    return good, forged


def trusted(checkpoints: Iterable[dict[str, Any]], jwks: list[dict[str, Any]]) -> tuple[dict[int, str], list[Any]]:
    """({position: head hash} of the checkpoints the gateway's keys verify, the positions of those
    that do not verify: not evidence, and a sign that someone offers forged ones)."""
    good: dict[Any, Any] = {}
    forged: list[Any] = []
    for cp in checkpoints:
        if isinstance(cp.get("position"), int) and signing.verify(cp, jwks):
            if good.setdefault(cp["position"], cp["head_hash"]) != cp["head_hash"]:
                forged.append(cp["position"])  # two signed heads for one position: a key was misused
        else:
            forged.append(cp.get("position"))
    return good, forged
