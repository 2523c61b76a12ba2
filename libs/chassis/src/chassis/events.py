"""The CloudEvents 1.0 envelope, JSON structured mode, that every Tongxin event travels in.

``type`` names the event and its major version (``cn.tongxin.registry.person.registered.v1``);
``subject`` is the aggregate id and doubles as the Kafka record key, so one
aggregate's events stay in order on one partition. ``traceparent`` is the W3C
distributed-tracing extension carried from the HTTP request that caused the event.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import Mapping
from typing import Any

SPEC_VERSION = "1.0"
JSON = "application/json"
_REQUIRED = ("specversion", "id", "source", "type")
_CORE = ("specversion", "id", "source", "type", "time", "subject", "datacontenttype", "dataschema", "data")


class EnvelopeError(ValueError):
    """The bytes are not a CloudEvents 1.0 JSON event we can read."""


def schema_uri(event_type: str) -> str:
    return f"urn:tongxin:event-schema:{event_type}"


def _iso(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclasses.dataclass(frozen=True)
class Envelope:
    id: str
    source: str
    type: str
    subject: str
    data: Mapping[str, Any]
    time: str
    dataschema: str
    datacontenttype: str = JSON
    specversion: str = SPEC_VERSION
    #: CloudEvents extension attributes (lower-case alphanumeric names), e.g. traceparent.
    extensions: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @classmethod
    def new(
        cls,
        *,
        type: str,
        source: str,
        subject: str,
        data: Mapping[str, Any],
        traceparent: str | None = None,
        event_id: str | None = None,
        time: dt.datetime | None = None,
    ) -> Envelope:
        extensions = {"traceparent": traceparent} if traceparent else {}
        return cls(
            id=event_id or str(uuid.uuid4()),
            source=source,
            type=type,
            subject=str(subject),
            data=dict(data),
            time=(time or utcnow()).isoformat().replace("+00:00", "Z"),
            dataschema=schema_uri(type),
            extensions=extensions,
        )

    @property
    def traceparent(self) -> str | None:
        return self.extensions.get("traceparent")

    @property
    def key(self) -> bytes:
        return self.subject.encode()

    def to_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in _CORE}
        out["data"] = dict(self.data)
        out.update(self.extensions)
        return out

    def to_json(self) -> bytes:
        return json.dumps(
            self.to_dict(), ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=_iso
        ).encode()

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Envelope:
        if not isinstance(raw, Mapping):
            raise EnvelopeError("event is not a JSON object")
        missing = [name for name in _REQUIRED if not raw.get(name)]
        if missing:
            raise EnvelopeError(f"missing CloudEvents attributes: {', '.join(missing)}")
        if raw["specversion"] != SPEC_VERSION:
            raise EnvelopeError(f"unsupported specversion {raw['specversion']!r}")
        data = raw.get("data", {})
        if not isinstance(data, Mapping):
            raise EnvelopeError("data must be a JSON object")
        extensions = {k: v for k, v in raw.items() if k not in _CORE}
        bad = [k for k in extensions if not (k.isascii() and k.isalnum() and k.islower())]
        if bad:
            raise EnvelopeError(f"invalid extension attribute names: {', '.join(bad)}")
        return cls(
            id=str(raw["id"]),
            source=str(raw["source"]),
            type=str(raw["type"]),
            subject=str(raw.get("subject") or ""),
            data=dict(data),
            time=str(raw.get("time") or ""),
            dataschema=str(raw.get("dataschema") or ""),
            datacontenttype=str(raw.get("datacontenttype") or JSON),
            extensions=extensions,
        )

    @classmethod
    def from_json(cls, payload: bytes | str) -> Envelope:
        try:
            raw = json.loads(payload)
        except (ValueError, UnicodeDecodeError) as exc:
            raise EnvelopeError(f"not JSON: {exc}") from exc
        return cls.from_dict(raw)
