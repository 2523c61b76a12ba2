"""When a ledger checkpoint is due, what counts as one in an agency's export, and which are evidence."""

from __future__ import annotations

import datetime as dt

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sharing_gateway.domain import checkpoint
from sharing_gateway.domain.signing import Signer

NOW = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def test_due_after_n_records_or_the_interval_but_never_for_its_own_deliveries():
    assert checkpoint.due(1, 0, 0, None, NOW, 1000, HOUR)  # the first one
    assert not checkpoint.due(14, 10, 14, NOW - 2 * HOUR, NOW, 1000, HOUR)  # only its own deliveries since
    assert checkpoint.due(15, 10, 14, NOW - 2 * HOUR, NOW, 1000, HOUR)  # the interval, and something new
    assert not checkpoint.due(15, 10, 14, NOW - HOUR / 2, NOW, 1000, HOUR)
    assert checkpoint.due(1010, 10, 14, NOW - HOUR / 2, NOW, 1000, HOUR)  # N records


def test_only_checkpoints_signed_by_the_gateways_keys_are_evidence():
    gateway, forger = Signer(Ed25519PrivateKey.generate()), Signer(Ed25519PrivateKey.generate())
    real = checkpoint.make(gateway, 6, "a" * 64, NOW, 1000, HOUR)
    entry = {"type": checkpoint.TYPE, "data": real, "sequence": 3}
    page = {"entries": [entry, {"type": "cn.tongxin.gateway.receipt.v1", "data": {}}]}
    assert checkpoint.from_export([page, real, "noise"]) == [real, real]
    assert checkpoint.trusted([real], [gateway.jwk()]) == ({6: "a" * 64}, [])
    forged = checkpoint.make(forger, 6, "b" * 64, NOW, 1000, HOUR)
    assert real["cadence"] == {"every_entries": 1000, "interval_seconds": 3600}  # the promise, signed with it
    altered = {**real, "head_hash": "c" * 64}
    assert checkpoint.trusted(
        [{**real, "cadence": {"every_entries": 10**9, "interval_seconds": 10**9}}], [gateway.jwk()]
    )[1] == [6]
    assert checkpoint.trusted([real, forged, altered], [gateway.jwk()]) == ({6: "a" * 64}, [6, 6])
    # Two heads for one position, both signed: a misused key, not evidence of either.
    twin = checkpoint.make(gateway, 6, "d" * 64, NOW, 1000, HOUR)
    assert checkpoint.trusted([real, twin], [gateway.jwk()])[1] == [6]
