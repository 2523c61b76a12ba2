"""The contract of an entry in a partner agency's feed (``feed.<agency>.v1``).

A feed entry is not an envelope the outbox builds: the gateway filters a source event
under the agency's policy, numbers it and signs it, and the signed bytes are what the
agency verifies. So it cannot go through ``Outbox.row``; ``check_feed_entry`` is the
check it gets instead, called by the chassis unit of work (``emit_signed``) before the
entry is staged: the CloudEvents attributes, the agency and its sequence, a signature,
and data that names only fields of the source event's own contract (a policy filters and
transforms fields, it never adds one). The gateway's own feed-only types (receipts,
checkpoints) are declared here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chassis.contracts import UnknownEventType, contract_for

#: A receipt the gateway gives an agency for each notice it accepted (feed only, never internal).
RECEIPT = "cn.tongxin.gateway.receipt.v1"
RECEIPT_FIELDS = frozenset({"notice_id", "notice_type", "received_at", "content_sha256", "kid", "status"})

_REQUIRED = ("specversion", "id", "type", "source", "agency", "sequence", "policyversion", "data", "signature")


class FeedEntryRefused(ValueError):
    """A feed entry that breaks its contract; the caller's transaction rolls back."""


def check_feed_entry(agency: str, entry: Mapping[str, Any]) -> None:
    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise FeedEntryRefused(f"feed entry lacks {', '.join(missing)}")
    if entry["agency"] != agency:
        raise FeedEntryRefused(f"feed entry of {entry['agency']!r} staged for {agency!r}")
    if not isinstance(entry["sequence"], int) or entry["sequence"] < 1:
        raise FeedEntryRefused("feed entry sequence must be a positive integer")
    signature = entry["signature"]
    if not isinstance(signature, Mapping) or not {"alg", "kid", "value"} <= signature.keys():
        raise FeedEntryRefused("feed entry is not signed")
    allowed = _fields_of(entry["type"])
    extra = sorted(set(entry["data"]) - allowed)
    if extra:
        raise FeedEntryRefused(f"feed entry of {entry['type']} carries fields outside its contract: {extra}")


def _fields_of(event_type: str) -> frozenset[str]:
    if event_type == RECEIPT:
        return RECEIPT_FIELDS
    try:
        return frozenset(contract_for(event_type).fields)
    except UnknownEventType:
        raise FeedEntryRefused(f"no contract for feed entry type {event_type}") from None
