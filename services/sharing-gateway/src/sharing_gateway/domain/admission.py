"""Whether an agency's policy admits an event: the one rule the worker, the held-event resumption
and the operator's dry run of a draft policy all apply, in this order.

An event is admitted when the policy grants its type, it concerns the policy's region, and it is
the agency's business (its audience, judged on the person's roles *before* the event, so the
event that ends a membership still reaches that body). What the agency then receives is
``policy.apply``: only the granted fields, transformed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sharing_gateway.domain import policy as policies

#: Why an event is not delivered: the type is not granted, or it is outside the region or the audience.
NOT_GRANTED, REGION, AUDIENCE = "not_granted", "region", "audience"


def refusal(
    policy: policies.Policy, event_type: str, data: Mapping[str, Any], roles_before: list[dict[str, Any]] | None
) -> str | None:
    """None if the policy admits the event; otherwise why not (``NOT_GRANTED``, ``REGION``, ``AUDIENCE``)."""
    if policy.share_for(event_type) is None:
        return NOT_GRANTED
    if not policies.in_region(policy, data, event_type):
        return REGION
    if not policies.in_audience(policy, event_type, data, roles_before):
        return AUDIENCE
    return None
