"""The alerts as a task list per unit: what is open (or was cleared) in a unit's subtree, and the
acknowledgement of an alert by the staff who take it up (who, when, a note; each kept).

Scope like every read: a unit outside the caller's subtree, or an alert of one, is not found,
whether it exists or not. A notice's alert names its notice only to those who handle violations
(evaluation's ``evaluator``): that a person of the unit has a notice is not every reader's to see.
Acknowledging is work on the unit's tasks (``editor``); a cleared alert is no task any more.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from typing import Any

from chassis import units
from chassis.auth import Principal
from chassis.errors import Conflict, InvalidInput, NotFound
from chassis.paging import decode_cursor, encode_cursor
from supervision.adapters.alert_records import Alert
from supervision.domain.alerts import RULES
from supervision.service_layer.unit_of_work import UowFactory

log = logging.getLogger(__name__)
NO_ALERT = ("您的管辖范围内没有该预警", "No such alert in your scope")
NO_UNIT = ("您的管辖范围内没有该单位", "No such unit in your scope")
#: Who may read the object of an alert of these rules (beyond the unit's scope).
OBJECT_SHOWN_TO = {"notice_unhandled": ("evaluator",)}
#: Letters and symbols that show as blank (Hangul fillers, the blank Braille pattern).
BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _says_something(note: str) -> bool:
    """Whether a note has a character a reader sees: not only spaces, control and format characters
    (zero-width spaces, joiners, direction marks) or blank glyphs."""
    return any(
        not unicodedata.category(ch).startswith(("Z", "C")) and ch not in BLANK_GLYPHS and not ch.isspace()
        for ch in note
    )


def _cursor_key(cursor: str) -> tuple[dt.datetime, str]:
    at, last = decode_cursor(cursor, 2)
    try:
        instant = dt.datetime.fromisoformat(at)
        if instant.tzinfo is None:
            raise ValueError(at)
        return instant.astimezone(dt.UTC), last
    except (ValueError, OverflowError):  # past year 9999 or before year 1 once in UTC
        raise InvalidInput("分页游标无效", "Invalid cursor", field="cursor") from None


def task_list(uow_factory: UowFactory, principal: Principal, unit: str, state: str, limit: int,
              cursor: str | None) -> dict[str, Any]:  # fmt: skip
    if not principal.sees(unit):
        raise NotFound(*NO_UNIT)
    after = _cursor_key(cursor) if cursor else None
    with uow_factory() as uow:
        rows = uow.alerts.page(units.scope_prefix(unit), state == "open", limit, after)
        page = rows[:limit]
        acks = uow.alerts.acknowledgements([a.id for a in page])
    last_row = page[-1] if len(rows) > limit else None
    return {
        "unit": unit,
        "state": state,
        "items": [_shown(a, principal, acks[a.id]) for a in page],
        "next_cursor": encode_cursor(last_row.raised_at.isoformat(), last_row.id) if last_row else None,
    }


def acknowledge(uow_factory: UowFactory, principal: Principal, alert_id: str, note: str,
                now: dt.datetime) -> dict[str, Any]:  # fmt: skip
    principal.require_role("editor")
    note = note.strip()
    if not _says_something(note):
        raise InvalidInput("请填写处理说明", "Write a note on what is being done", field="note")
    with uow_factory() as uow:
        alert = uow.alerts.get(alert_id)
        if alert is None or not principal.sees(alert.unit_code):
            raise NotFound(*NO_ALERT)
        if alert.cleared_at is not None:
            raise Conflict("该预警已解除，无需确认", "The alert has cleared; there is nothing to acknowledge")
        uow.alerts.acknowledge(alert.id, principal.subject, principal.name, principal.unit, now, note)
        uow.commit()
        acks = uow.alerts.acknowledgements([alert.id])
    log.info("alert %s acknowledged", alert.id)
    return _shown(alert, principal, acks[alert.id])


def _shown(alert: Alert, principal: Principal, acks: list[dict[str, Any]]) -> dict[str, Any]:
    rule = RULES[alert.rule]
    readers = OBJECT_SHOWN_TO.get(alert.rule)
    return {
        "id": alert.id,
        "rule": alert.rule,
        "name_zh": rule.name_zh,
        "name_en": rule.name_en,
        "unit_code": alert.unit_code,
        "subject": alert.subject if readers is None or principal.has_role(*readers) else None,
        "detail": alert.detail,
        "state": "open" if alert.cleared_at is None else "cleared",
        "raised_at": alert.raised_at,
        "cleared_at": alert.cleared_at,
        "acknowledgements": acks,
    }
