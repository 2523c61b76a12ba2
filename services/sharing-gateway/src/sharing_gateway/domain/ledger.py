"""The disclosure ledger's hash chain: each record's hash covers its content and the
previous record's hash, so editing, deleting or reordering any record breaks the chain
at that position, and ``verify`` says where.

The chain alone cannot stop whoever controls the database from recomputing every hash
after a rewrite. Signed checkpoints held outside (``domain.checkpoint``) can: given them,
``verify`` also names the first checkpointed position whose record differs from what was
signed, and the last position the checkpoints still vouch for."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

GENESIS = "0" * 64
#: The record fields the hash covers, in this order.
HASHED = (
    "position",
    "agency",
    "event_id",
    "sequence",
    "event_type",
    "fields",
    "policy_version",
    "payload_digest",
    "at",
)
#: Who asked for and who approved an act of administration (subject ids): hashed after the
#: fields above when a record names them, so records written before they existed verify unchanged.
ACTORS = ("requested_by", "approved_by")


def record_hash(prev_hash: str, record: Mapping[str, Any]) -> str:
    values = [record[k] for k in HASHED]
    if any(record.get(k) is not None for k in ACTORS):
        values += [record.get(k) for k in ACTORS]
    content = json.dumps(values, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


@dataclasses.dataclass(frozen=True)
class Verdict:
    ok: bool
    records: int
    position: int | None = None  # the first position where the chain breaks
    problem: str | None = None
    checkpoints: int = 0  # how many checkpoints supplied from outside were compared
    vouched_through: int = 0  # the last position a matching checkpoint confirms

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def verify(records: Iterable[Mapping[str, Any]], checkpoints: Mapping[int, str] | None = None) -> Verdict:
    """Walk the ledger in position order and check every link, and each record a checkpoint
    (``{position: head hash}``, already verified as signed by the gateway) covers."""
    checkpoints = dict(checkpoints or {})
    prev, expected_position, count, vouched = GENESIS, 1, 0, 0

    def broken(position: int, problem: str) -> Verdict:
        return Verdict(False, count, position, problem, len(checkpoints), vouched)

    for r in records:
        count += 1
        if r["position"] != expected_position:
            return broken(expected_position, f"record {expected_position} is missing or out of order")
        if r["prev_hash"] != prev:
            return broken(r["position"], "the link to the previous record is broken (deleted or swapped)")
        if record_hash(prev, r) != r["hash"]:
            return broken(r["position"], "the record's content was changed")
        signed = checkpoints.get(r["position"])
        if signed is not None:
            if signed != r["hash"]:
                return broken(
                    r["position"],
                    f"the ledger differs from the checkpoint signed at position {r['position']}: records "
                    f"{vouched + 1} to {r['position']} were rewritten, deleted or reordered",
                )
            vouched = r["position"]
        prev, expected_position = r["hash"], expected_position + 1
    beyond = [p for p in checkpoints if p > count]
    if beyond:
        return broken(min(beyond), f"the ledger ends at {count}, before the checkpoint signed at {min(beyond)}")
    return Verdict(True, count, checkpoints=len(checkpoints), vouched_through=vouched)
