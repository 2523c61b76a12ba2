"""What an agency's policy is now: its file, with the data grants in force layered on it.

《政务数据共享条例》's 申请–答复: an agency applies for catalogue items and the department grants
them (all, or fewer fields, a smaller region, a shorter time) or refuses. A grant is not a new
file an operator edits: it is a row in the gateway's database (``policy_grants``) that adds fields
of one event type, for one admin-unit subtree, until an end date. ``compose`` is the one rule that
turns the policy file and the grants in force into the policy the gateway applies, so the feed,
the catalogue's ``granted``, ``GET /agency`` and the disclosure records all read the same thing.

Every grant and every expiry moves the agency's grant revision on by one; the composed policy's
``version_label`` names it (``npc@v3#ab12...+g2``), so each ledger record and feed entry says
exactly which grants were in force: those granted at or before the revision and not ended by it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from chassis import units
from chassis.work_calendar import CST
from sharing_gateway.domain.policy import Policy, Share


@dataclasses.dataclass(frozen=True)
class Grant:
    event: str
    fields: tuple[str, ...]
    region: str
    purpose: str
    ends_at: dt.datetime


def ends_at(last_day: dt.date) -> dt.datetime:
    """A grant asked "until" a date runs all of that day in China Standard Time."""
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), CST).astimezone(dt.UTC)


def compose(policy: Policy, grants: Iterable[Grant], revision: int) -> Policy:
    """The policy file ``policy`` with ``grants`` layered on it, at grant ``revision``."""
    shares = dict(policy.shares)
    for grant in grants:
        whole = grant.region == policy.region  # the policy's whole region: no field limited
        share = shares.get(grant.event)
        if share is None:  # an event type the file does not share: only in the grants' regions
            share = Share(grant.event, (), {}, {}, regions=None if whole else ())
        fields, transforms = list(share.fields), dict(share.transforms)
        purposes, field_regions = dict(share.purposes), dict(share.field_regions)
        for f in grant.fields:
            sent_everywhere = f in share.sent_fields() and f not in share.field_regions
            if sent_everywhere:
                continue
            if f not in fields:
                fields.append(f)
            transforms.pop(f, None)  # a field the file listed as withheld (drop) is now sent
            # No purpose of its own: the request's general purpose is not one, so a granted field that
            # may hold sensitive values still loses religious and ethnic ones, and a field sensitive by
            # itself is not sent (``policy.apply``); those need a policy file naming the purpose.
            if whole:
                field_regions.pop(f, None)
            else:
                field_regions[f] = (*field_regions.get(f, ()), grant.region)
        regions = share.regions
        if regions is not None:
            regions = None if whole else (*regions, grant.region)
        shares[grant.event] = dataclasses.replace(
            share,
            fields=tuple(fields),
            transforms=transforms,
            purposes=purposes,
            regions=regions,
            field_regions=field_regions,
        )
    return dataclasses.replace(policy, shares=shares, revision=revision)


def grants_already(policy: Policy, event: str, field: str, region: str) -> bool:
    """Whether the composed ``policy`` already sends ``field`` of ``event`` everywhere in ``region``."""
    share = policy.share_for(event)
    if share is None or field not in share.sent_fields():
        return False
    limited = share.field_regions.get(field)
    if share.regions is not None and not any(units.in_subtree(r, region) for r in share.regions):
        return False
    return limited is None or any(units.in_subtree(r, region) for r in limited)
