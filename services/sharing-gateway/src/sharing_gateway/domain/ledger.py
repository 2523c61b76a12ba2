"""The disclosure ledger's hash chain: each record's hash covers its content and the
previous record's hash, so editing, deleting or reordering any record breaks the chain
at that position, and ``verify`` says where."""

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


def record_hash(prev_hash: str, record: Mapping[str, Any]) -> str:
    content = json.dumps([record[k] for k in HASHED], ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


@dataclasses.dataclass(frozen=True)
class Verdict:
    ok: bool
    records: int
    position: int | None = None  # the first position where the chain breaks
    problem: str | None = None

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def verify(records: Iterable[Mapping[str, Any]]) -> Verdict:
    """Walk the ledger in position order and check every link."""
    prev, expected_position, count = GENESIS, 1, 0
    for r in records:
        count += 1
        if r["position"] != expected_position:
            return Verdict(False, count, expected_position, f"record {expected_position} is missing or out of order")
        if r["prev_hash"] != prev:
            return Verdict(
                False, count, r["position"], "the link to the previous record is broken (deleted or swapped)"
            )
        if record_hash(prev, r) != r["hash"]:
            return Verdict(False, count, r["position"], "the record's content was changed")
        prev, expected_position = r["hash"], expected_position + 1
    return Verdict(True, count)
