"""The disclosure ledger's chain: it verifies; changing, deleting or swapping any record is
detected and reported with its position."""

from __future__ import annotations

import copy

import pytest
from sharing_gateway.domain.ledger import GENESIS, record_hash, verify


def chain(n: int) -> list[dict]:
    out, prev = [], GENESIS
    for i in range(1, n + 1):
        r = {
            "position": i,
            "agency": "court" if i % 2 else "cppcc",
            "event_id": f"e{i}",
            "sequence": (i + 1) // 2,
            "event_type": "cn.tongxin.evaluation.veto.applied.v1",
            "fields": ["notice_id", "reason"],
            "policy_version": "court@v1#abc",
            "payload_digest": f"{i:064d}",
            "at": f"2026-11-27T04:{i % 60:02d}:00+00:00",
            "prev_hash": prev,
        }
        r["hash"] = record_hash(prev, r)
        out.append(r)
        prev = r["hash"]
    return out


def test_an_untouched_chain_verifies():
    assert verify(chain(50)).ok and verify(chain(50)).records == 50 and verify([]).ok


@pytest.mark.parametrize("position", [1, 17, 50])
@pytest.mark.parametrize("field", ["agency", "fields", "payload_digest", "at", "sequence"])
def test_a_changed_record_is_found(position, field):
    records = chain(50)
    records[position - 1][field] = copy.deepcopy(records[position - 1][field]) + (
        ["x"] if field == "fields" else 1 if field == "sequence" else "x"
    )
    verdict = verify(records)
    assert not verdict.ok and verdict.position == position and "changed" in verdict.problem


@pytest.mark.parametrize("position", [1, 17, 49])
def test_a_deleted_record_is_found(position):
    records = chain(50)
    del records[position - 1]
    verdict = verify(records)
    assert not verdict.ok and verdict.position == position


def test_swapped_records_are_found():
    records = chain(50)
    records[9], records[10] = records[10], records[9]
    verdict = verify(records)
    assert not verdict.ok and verdict.position == 10


def test_a_rewritten_tail_does_not_hide_a_change():
    records = chain(5)
    records[2]["agency"] = "npc"
    records[2]["hash"] = record_hash(records[2]["prev_hash"], records[2])  # recomputed, but the next link breaks
    verdict = verify(records)
    assert not verdict.ok and verdict.position == 4


def with_actors(n: int, at: int) -> list[dict]:
    """A chain whose record ``at`` is an approval, naming who asked and who approved."""
    records, prev = chain(n), GENESIS
    for r in records:
        r["prev_hash"] = prev
        if r["position"] == at:
            r.update(requested_by="alice", approved_by="bob")
        r["hash"] = prev = record_hash(prev, r)
    return records


def test_records_without_actors_hash_as_before_they_existed():
    legacy = chain(5)
    for r in legacy:
        r.update(requested_by=None, approved_by=None)  # the columns a later migration added
    assert verify(legacy).ok


@pytest.mark.parametrize("change", [{"approved_by": "alice"}, {"requested_by": "mallory"}, {"approved_by": None}])
def test_who_asked_and_who_approved_is_covered_by_the_hash(change):
    records = with_actors(10, 4)
    assert verify(records).ok
    records[3].update(change)
    verdict = verify(records)
    assert not verdict.ok and verdict.position == 4 and "changed" in verdict.problem
