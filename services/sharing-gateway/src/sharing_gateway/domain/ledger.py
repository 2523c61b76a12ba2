"""The disclosure ledger's hash chain: each record's hash covers its content and the
previous record's hash, so editing, deleting or reordering any record breaks the chain
at that position, and ``verify`` says where.

The chain alone cannot stop whoever controls the database from recomputing every hash
after a rewrite. Signed checkpoints held outside (``domain.checkpoint``) can: given them,
``verify`` also names the first checkpointed position whose record differs from what was
signed, and the last position the checkpoints still vouch for. A checkpoint only says that
something in the records since the previous one changed; the feed entries the agency holds
say more: each delivery's record carries the digest of the exact signed entry
(``entry_digest``), so a record that disagrees with an entry the agency holds (another agency,
sequence, event or digest), or that comes before an earlier entry of the same feed, is named
exactly. Records after the last checkpoint are reported as not yet vouched for."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sharing_gateway.domain.signing import canonical

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


def entry_digest(entry: Mapping[str, Any]) -> str:
    """What a delivery's ledger record holds of its feed entry: SHA-256 of the signed entry."""
    return hashlib.sha256(canonical(dict(entry)) + entry["signature"]["value"].encode()).hexdigest()


def _as_delivered(entry: Mapping[str, Any]) -> tuple[Any, ...]:
    return (entry["agency"], entry["sequence"], entry["id"], entry["type"], sorted(entry["data"]),
            entry["policyversion"])  # fmt: skip


def _as_recorded(record: Mapping[str, Any]) -> tuple[Any, ...]:
    return (record["agency"], record["sequence"], record["event_id"], record["event_type"], sorted(record["fields"]),
            record["policy_version"])  # fmt: skip


class _Held:
    """The feed entries an agency holds (already verified as signed by the gateway), to hold each
    delivery's record against: by digest, by (agency, sequence), and which are still to come."""

    def __init__(self, entries: Iterable[Mapping[str, Any]]):
        self.by_digest = {entry_digest(e): e for e in entries}
        self.by_sequence = {(e["agency"], e["sequence"]): d for d, e in self.by_digest.items()}
        self.to_come = set(self.by_sequence)

    def contradiction(self, r: Mapping[str, Any]) -> str | None:
        entry = self.by_digest.get(r["payload_digest"])
        if entry is not None:
            agency, sequence = entry["agency"], entry["sequence"]
            if _as_recorded(r) != _as_delivered(entry):
                return f"record {r['position']} was changed: it is not what {agency} holds as its entry {sequence}"
            earlier = sorted(s for a, s in self.to_come if a == agency and s < sequence)
            self.to_come.discard((agency, sequence))
            if earlier:
                return (
                    f"{agency}'s entry {earlier[0]} is not recorded before record {r['position']} (its entry "
                    f"{sequence}): a record was deleted or the records were reordered"
                )
            return None
        held = self.by_sequence.get((r["agency"], r["sequence"]))
        if r["sequence"] and held is not None:
            return f"record {r['position']} was changed: {r['agency']} holds another entry {r['sequence']}"
        return None


@dataclasses.dataclass(frozen=True)
class Verdict:
    ok: bool
    records: int
    position: int | None = None  # the first position where the chain breaks
    problem: str | None = None
    checkpoints: int = 0  # how many checkpoints supplied from outside were compared
    vouched_through: int = 0  # the last position a matching checkpoint confirms
    entries: int = 0  # how many feed entries an agency holds were held against their records
    #: Records after ``vouched_through``: no checkpoint vouches for them yet (a rewrite of them is
    #: caught only by the entries an agency holds, or by the next checkpoint).
    not_yet_vouched: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def verify(
    records: Iterable[Mapping[str, Any]],
    checkpoints: Mapping[int, str] | None = None,
    entries: Iterable[Mapping[str, Any]] = (),
) -> Verdict:
    """Walk the ledger in position order and check every link, each record a checkpoint
    (``{position: head hash}``) covers, and each delivery an agency's feed entry pins down (both
    already verified as signed by the gateway)."""
    checkpoints = dict(checkpoints or {})
    held = _Held(entries)
    prev, expected_position, count, vouched = GENESIS, 1, 0, 0

    def broken(position: int, problem: str) -> Verdict:
        return Verdict(False, count, position, problem, len(checkpoints), vouched, len(held.by_digest))

    for r in records:
        count += 1
        if r["position"] != expected_position:
            return broken(expected_position, f"record {expected_position} is missing or out of order")
        if r["prev_hash"] != prev:
            return broken(r["position"], "the link to the previous record is broken (deleted or swapped)")
        if record_hash(prev, r) != r["hash"]:
            return broken(r["position"], "the record's content was changed")
        contradiction = held.contradiction(r)
        if contradiction:
            return broken(r["position"], contradiction)
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
    if held.to_come:
        agency, sequence = min(held.to_come)
        return broken(
            vouched + 1,
            f"{agency}'s entry {sequence} has no record: records {vouched + 1} to {count} were deleted or rewritten",
        )
    return Verdict(True, count, None, None, len(checkpoints), vouched, len(held.by_digest), count - vouched)
