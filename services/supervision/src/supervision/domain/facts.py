"""What supervision keeps of an event it consumed: a ``Fact``, the few fields an indicator reads.

The view stores facts, not figures: which unit a violation notice belongs to (it names a
person only by the digest of their ID number) or whether a request was resolved in time
(a breach may arrive before or after the resolution) is decided when the figures are
computed, so the view is the same whatever order a replay reads the four topics in.
Nothing else of the event is kept: no names, no case references, no request text.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal


@dataclasses.dataclass(frozen=True)
class Fact:
    event_id: str
    event_type: str
    #: ``YYYY-MM`` (``domain.months``) of the event's own time: when the request was resolved,
    #: the activity held, the notice received; the envelope's time only where the data has none.
    month: str
    #: The unit the event names (a request's handling unit, a breach's unit that missed the time);
    #: None for a violation notice, which is placed through the people view.
    unit_code: str | None
    #: The object the event is about: a request, suggestion, activity or notice id; ``round/person``.
    subject: str
    person_id: str | None = None
    id_digest: str | None = None
    #: A number the indicator adds up or averages (people served, satisfaction, yuan), if any.
    measure: Decimal | None = None
    #: A small qualifier: a breach's clock, ``complete``/``incomplete`` for a score, a notice's agency.
    detail: str | None = None
    #: The event's time, ISO 8601 (orders a notice against the decisions after it).
    at: str = ""


@dataclasses.dataclass(frozen=True)
class Person:
    """A person of the people view, as the people indicators read them."""

    person_id: str
    unit_code: str
    active: bool
    #: None for a past digest (one not the newest), dropped when the person was archived.
    id_digest: str | None
    #: The id, type and day (``YYYY-MM-DD``, China Standard Time) of the newest record version applied.
    event_id: str
    event_type: str
    updated_on: str
