"""What a change to a person records: each field's change, masked for the history every role in
scope reads, and which fields of the shared snapshot (the events' data) name it, so that no event
and no history line reveals a sensitive value, or even that one changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from chassis import idnumber, sensitive

#: History is read by every role in scope, so it holds no value a viewer may not see: the ID
#: number masked, the birth date as its year, the other sensitive fields (``chassis.sensitive``)
#: as the same mark whether or not a value was there.
MASKED_IN_HISTORY = tuple(f for f in sensitive.FIELDS if f not in ("id_number", "birth_date"))
#: An editable field that changed -> the shared snapshot fields that name the change in events.
SHARED_AS = {"id_number": ("id_digest",), "birth_date": ("birth_year",)}


@dataclasses.dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    def masked(self) -> dict[str, Any]:
        if self.field == "id_number":
            return {"field": self.field, "from": _mask_id(self.old), "to": _mask_id(self.new)}
        if self.field == "birth_date":
            return {"field": "birth_year", "from": _year(self.old), "to": _year(self.new)}
        if self.field in MASKED_IN_HISTORY:
            # The same mark whether or not a value was there: history must not show presence either.
            return {"field": self.field, "from": sensitive.HIDDEN, "to": sensitive.HIDDEN}
        return {"field": self.field, "from": _plain(self.old), "to": _plain(self.new)}


@dataclasses.dataclass(frozen=True)
class Recorded:
    """Something that happened to a person: its event type (a ``chassis.contracts.registry``
    constant; None when the change touched hidden data only, so no event may say it happened)
    and its extra data, plus history."""

    event: str | None
    extra: dict[str, Any]
    action: str
    changes: tuple[FieldChange, ...] = ()
    version: int = 1
    #: The version the event carries: it counts emitted events only, so a gap never tells a
    #: consumer that a hidden-only change happened in between.
    event_version: int = 1


def shared_text(value: str | None) -> str | None:
    """Free text for the shared snapshot, withheld when it implies a religion or an ethnicity
    (an employer '东关清真寺', a position '阿訇')."""
    return None if sensitive.is_sensitive_value(value) else value


def shared_names(change: FieldChange) -> tuple[str, ...]:
    """The snapshot fields through which a change shows in events: none for a hidden field, nor
    for a change only to values the snapshot withholds (a religious tag added, one sensitive
    employer for another)."""
    if change.field == "birth_date":
        return ("birth_year",) if change.old.year != change.new.year else ()
    if change.field in SHARED_AS:
        return SHARED_AS[change.field]
    if change.field in sensitive.FIELDS:
        return ()
    if change.field == "tags":
        return ("tags",) if sensitive.public_values(change.old or []) != sensitive.public_values(change.new) else ()
    if change.field in ("employer", "position"):
        return (change.field,) if shared_text(change.old) != shared_text(change.new) else ()
    return (change.field,)


def _year(value: dt.date | None) -> int | None:
    return value.year if value else None


def _mask_id(value: str | None) -> str | None:
    return idnumber.mask(value) if value else None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
