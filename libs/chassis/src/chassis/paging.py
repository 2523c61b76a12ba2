"""Keyset pagination cursors: the sort key of the last row, opaque to clients.

A cursor is the URL-safe base64 of a JSON list of strings; a malformed one is a 422
naming the ``cursor`` field, never a 500.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import sqlalchemy as sa

from chassis.errors import InvalidInput


def encode_cursor(*key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([str(k) for k in key], ensure_ascii=False).encode()).decode()


def decode_cursor(cursor: str, size: int) -> list[str]:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(key, list) or len(key) != size:
            raise ValueError(cursor)
        return [str(k) for k in key]
    except Exception:
        raise InvalidInput("分页游标无效", "Invalid cursor", field="cursor") from None


def newest_first(
    query: sa.Select[Any], when: sa.ColumnElement[Any], row_id: sa.ColumnElement[Any], cursor: str | None
) -> sa.Select[Any]:
    """``query`` ordered newest first on (``when``, ``row_id``), after the cursor's row if given. A
    cursor whose time is not a time is a 422 like any malformed cursor, never a 500."""
    if cursor:
        at, last_id = decode_cursor(cursor, 2)
        try:
            after = dt.datetime.fromisoformat(at)
        except ValueError:
            raise InvalidInput("分页游标无效", "Invalid cursor", field="cursor") from None
        query = query.where(sa.or_(when < after, sa.and_(when == after, row_id < last_id)))
    return query.order_by(when.desc(), row_id.desc())


def next_newest_first(rows: list[dict[str, Any]], limit: int, when: str, row_id: str = "id") -> str | None:
    """The cursor after a page ``newest_first`` read with ``limit + 1`` rows, or None on the last page.
    (SQLite hands times back without their zone: they are UTC.)"""
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    at = last[when] if last[when].tzinfo else last[when].replace(tzinfo=dt.UTC)
    return encode_cursor(at.isoformat(), last[row_id])
