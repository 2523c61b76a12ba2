"""What the qualification loop's lists share: a filter unit inside the caller's scope, a calendar
year, and keyset pages (newest first, by a sort key and the row id; ``chassis.paging`` cursors)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from chassis import units
from chassis.auth import Principal
from chassis.errors import InvalidInput
from chassis.paging import decode_cursor, encode_cursor


def scope_prefix(principal: Principal, unit: str | None) -> str:
    """The code prefix of ``unit``'s subtree (default: the caller's); a unit outside the caller's scope is a 422."""
    if unit is None:
        return principal.scope_prefix
    if not principal.sees(unit):
        raise InvalidInput("所选单位超出您的管辖范围", "The unit is outside your scope", field="unit")
    return units.scope_prefix(unit)


def in_year(column: sa.ColumnElement, year: int) -> sa.ColumnElement[bool]:
    return column.between(dt.date(year, 1, 1), dt.date(year, 12, 31))


def aware(value: dt.datetime) -> dt.datetime:
    """A stored UTC time with its zone (SQLite hands it back naive)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _key(value: Any) -> str:
    return aware(value).isoformat() if isinstance(value, dt.datetime) else value.isoformat()


def page(
    session, query: sa.Select, key: sa.ColumnElement, row_id: sa.ColumnElement, limit: int, cursor: str | None
) -> dict:
    """One page of ``query`` newest first by (``key``, ``row_id``): items and the next page's cursor."""
    if cursor:
        after_key, after_id = decode_cursor(cursor, 2)
        try:
            after: Any = (
                dt.datetime.fromisoformat(after_key)
                if isinstance(key.type, sa.DateTime)
                else dt.date.fromisoformat(after_key)
            )
        except ValueError:
            raise InvalidInput("分页游标无效", "Invalid cursor", field="cursor") from None
        query = query.where(sa.or_(key < after, sa.and_(key == after, row_id < after_id)))
    rows = [dict(r) for r in session.execute(query.order_by(key.desc(), row_id.desc()).limit(limit + 1)).mappings()]
    more = len(rows) > limit
    last = rows[limit - 1] if more else None
    return {
        "items": rows[:limit],
        "next_cursor": encode_cursor(_key(last[key.name]), last[row_id.name]) if last else None,
    }
