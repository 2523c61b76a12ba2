"""A person's disclosure record (PIPL Art. 44-45: a person may know who received their data and why):
what the gateway keeps per person, and how long (Art. 55-56: processing records of sensitive data
at least three years).

Whom an event is about is read from the *source* event the gateway admitted, not from what the
agency received: a veto outcome or an urgent incident reaches an agency without any person id, and
the person's record must list it all the same. Three kinds of row: ``disclosure`` (an entry in an
agency's feed, with its ledger position), ``reveal`` and ``export`` (the registry's processing of the
person's sensitive data inside the department). Only names of fields, never their values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from chassis.contracts import UnknownEventType, contract_for

DISCLOSURE, REVEAL, EXPORT = "disclosure", "reveal", "export"
#: The registry's channel of a processing event -> the kind of row it becomes.
KIND_OF_CHANNEL = {"api": REVEAL, "export": EXPORT}
#: How long processing records of sensitive data are kept at least (PIPL Art. 55-56).
RETENTION_YEARS = 3
#: The rows the retention job may delete once older than that: the ledger keeps every disclosure for
#: good, and its index with it; reveals and exports (and look-ups of a record) are the gateway's
#: copies of processing records, deleted once past the period.
EXPIRING_KINDS = (REVEAL, EXPORT)


def persons_of(data: Mapping[str, Any]) -> list[str]:
    """The people a source event is about: its person, a donor, the volunteers of an activity, and
    the record a merge folded into its person (that record's own disclosure record shows the merge)."""
    found = [data.get("person_id"), data.get("donor_person_id"), data.get("merged_person_id")]
    found += [v.get("person_id") for v in data.get("volunteers") or [] if isinstance(v, Mapping)]
    return sorted({str(p) for p in found if p})


def sensitive_among(event_type: str, fields: Iterable[str]) -> bool:
    """Whether any of the fields sent is sensitive by its contract (or may hold sensitive values)."""
    try:
        marks = contract_for(event_type).fields
    except UnknownEventType:  # receipts and checkpoints: the gateway's own, no personal data
        return False
    return any(marks.get(f) for f in fields)


def retention_cutoff(now: dt.datetime) -> dt.datetime:
    """The moment ``RETENTION_YEARS`` calendar years before ``now``: records at or after it are kept.
    A 29 February falls back to the 28th (the earlier moment: kept a day longer, never shorter)."""
    try:
        return now.replace(year=now.year - RETENTION_YEARS)
    except ValueError:
        return now.replace(year=now.year - RETENTION_YEARS, day=28)
