"""Sharing policies: what one partner agency may receive and send (``Policy``, read from its file by
``policy_files``), and the rules of disclosure under one: whether an event is in the policy's region
and audience, and what of its data the agency receives (``apply``: only the granted fields,
transformed, sensitive values withheld without a purpose).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from chassis import sensitive, units
from chassis.contracts import contract_for
from chassis.digests import DigestKey
from chassis.masking import mask_name

TRANSFORMS = ("mask", "digest", "year", "drop")
NOTICE_TYPES = (
    "violation",
    "violation_rescinded",
    "membership_confirmed",
    "membership_ended",
    "stability_received",
    "stability_handling",
    "stability_closed",
)


class PolicyError(ValueError):
    """A policy the gateway refuses to run with; says which file and what is wrong."""


@dataclasses.dataclass(frozen=True)
class Share:
    event: str
    fields: tuple[str, ...]
    transforms: Mapping[str, str]
    purposes: Mapping[str, str]
    audience: str | tuple[str, str] | None = None  # overrides the policy's for this event type
    #: Only events about units in these subtrees (a share that exists through region-limited grants);
    #: None: the policy's region.
    regions: tuple[str, ...] | None = None
    #: Fields granted only for events about units in these subtrees (``domain.grants``).
    field_regions: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)

    def sent_fields(self) -> tuple[str, ...]:
        return tuple(f for f in self.fields if self.transforms.get(f) != "drop")


@dataclasses.dataclass(frozen=True)
class Policy:
    agency: str
    name: str
    version: int
    purpose: str
    legal_basis: str
    region: str
    audience: str | tuple[str, str]
    notice_types: tuple[str, ...]
    shares: Mapping[str, Share]
    digest: str  # of the file's bytes, so the ledger names the exact text in force
    #: The agency's grant revision layered on the file (``domain.grants``): 0 for the file alone.
    revision: int = 0

    @property
    def file_label(self) -> str:
        """The policy file's version: what a second gateway admin approves (``approvals``)."""
        return f"{self.agency}@v{self.version}#{self.digest[:12]}"

    @property
    def version_label(self) -> str:
        """The version in force, as the ledger and every feed entry name it: the file's, and the
        grant revision layered on it (``cppcc@v3#ab12...+g2``) if any."""
        return self.file_label + (f"+g{self.revision}" if self.revision else "")

    def share_for(self, event_type: str) -> Share | None:
        return self.shares.get(event_type)


def unit_of(data: Mapping[str, Any]) -> str | None:
    return data.get("unit_code") or data.get("scope_unit")


def in_audience(
    policy: Policy, event_type: str, data: Mapping[str, Any], roles_before: list[dict[str, Any]] | None
) -> bool:
    """Whether an event (its data, and the person's roles as the gateway knew them before it)
    is this agency's business."""
    share = policy.share_for(event_type)
    audience = share.audience if share is not None and share.audience is not None else policy.audience
    if audience == "everyone":
        return True
    if audience == "own_notices":
        return data.get("agency") == policy.agency
    body = audience[1]
    if data.get("body") == body:
        return True
    roles = list(data.get("representative_roles") or []) + list(data.get("previous_roles") or [])
    roles += roles_before or []
    return any(r.get("body") == body for r in roles)


def in_region(policy: Policy, data: Mapping[str, Any], event_type: str | None = None) -> bool:
    """Whether the event is about the policy's region (for a share limited to some subtrees, one of
    them); an event about no unit is judged by its audience alone, unless the share is so limited."""
    unit = unit_of(data)
    share = policy.share_for(event_type) if event_type else None
    if share is not None and share.regions is not None:  # granted for some subtrees only: never about no unit
        if unit is None or not units.in_subtree(policy.region, unit):  # never beyond the file's region
            return False
        return any(units.in_subtree(r, unit) for r in share.regions)
    return unit is None or units.in_subtree(policy.region, unit)


def _field_in_region(share: Share, field: str, data: Mapping[str, Any]) -> bool:
    limited = share.field_regions.get(field)
    if limited is None:
        return True
    unit = unit_of(data)  # a field granted for some subtrees only is never sent about no unit
    return unit is not None and any(units.in_subtree(r, unit) for r in limited)


def apply(policy: Policy, event_type: str, data: Mapping[str, Any], digest_key: DigestKey) -> dict[str, Any] | None:
    """The payload this agency receives for an event: only granted fields, transformed;
    None when the policy does not grant the event type at all."""
    share = policy.share_for(event_type)
    if share is None:
        return None
    out: dict[str, Any] = {}
    marks = contract_for(event_type).fields
    for field in share.fields:
        how = share.transforms.get(field)
        if how == "drop" or field not in data or not _field_in_region(share, field, data):
            continue
        value = data[field]
        own_purpose = bool(str(share.purposes.get(field, "")).strip())
        if marks.get(field) is True and not own_purpose:  # a file always names one; a grant never does
            continue
        if marks.get(field) == "values" and not own_purpose:
            value = _without_sensitive_values(value)
            if value is _WITHHELD:
                continue
        out[field] = _transform(how, value, policy.agency, digest_key)
    return out


_WITHHELD = object()


def _without_sensitive_values(value: Any) -> Any:
    if isinstance(value, list):
        return sensitive.public_values(value)
    return _WITHHELD if sensitive.is_sensitive_value(value) else value


def _transform(how: str | None, value: Any, agency: str, key: DigestKey) -> Any:
    if how is None or value is None:
        return value
    if how == "mask":
        return mask_name(str(value))
    if how == "digest":
        return DigestKey(key.key_id, f"{key.secret}:{agency}")(str(value))
    if how == "year":
        return int(dt.date.fromisoformat(str(value)[:10]).year)
    raise PolicyError(f"unknown transform {how}")  # parse() refuses these; kept for safety
