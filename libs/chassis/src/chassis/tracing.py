"""W3C trace context: one trace id from the HTTP request into the event and the consumer's logs."""

from __future__ import annotations

import contextvars
import re
import secrets
from typing import Any

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("traceparent", default=None)


def new_traceparent(trace_id: str | None = None) -> str:
    return f"00-{trace_id or secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def parse_trace_id(traceparent: str | None) -> str | None:
    match = _TRACEPARENT.match(traceparent or "")
    if not match or set(match.group(1)) == {"0"}:
        return None
    return match.group(1)


def child_of(traceparent: str | None) -> str:
    """A traceparent in the same trace as ``traceparent`` (or a new trace)."""
    return new_traceparent(parse_trace_id(traceparent))


def current_traceparent() -> str | None:
    return _current.get()


def current_trace_id() -> str | None:
    return parse_trace_id(_current.get())


def bind(traceparent: str | None) -> contextvars.Token[Any]:
    return _current.set(traceparent)


def unbind(token: contextvars.Token[Any]) -> None:
    _current.reset(token)
