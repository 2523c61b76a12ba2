"""Keyset pagination cursors: the sort key of the last row, opaque to clients.

A cursor is the URL-safe base64 of a JSON list of strings; a malformed one is a 422
naming the ``cursor`` field, never a 500.
"""

from __future__ import annotations

import base64
import json

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
