"""JSON logs, one object a line, with the service, request id and trace id; nothing secret in them.

Logs are read by more people, kept longer and shipped further than the data they
describe, so every line is redacted before it is written (``redact``): ID numbers
and phone numbers are masked, bearer tokens, agency API keys and JWTs are
replaced, and the secrets that travel in URL paths (rating tokens in ``/rate/…``,
suggestion receipt codes in ``/suggestions/receipts/…``) and query strings are cut
out. gunicorn's access log uses the same function (``deploy/gunicorn``).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys

from chassis import sensitive, tracing

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


REDACTED = "[redacted]"
#: (pattern, replacement): secrets in URL paths and query strings, credentials in headers or text.
_SECRETS = [
    (re.compile(r"(/rate/)[^/?\s\"']+"), r"\1" + REDACTED),
    (re.compile(r"(/receipts/)[^/?\s\"']+"), r"\1" + REDACTED),
    (
        re.compile(r"([?&](?:token|receipt|code|key|api_key|apikey|access_token|phone|id_number|q|text)=)[^&\s\"']*"),
        r"\1" + REDACTED,
    ),
    (re.compile(r"\b(Bearer|ApiKey|Basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE), r"\1 " + REDACTED),
    (re.compile(r"(X-Api-Key:\s*)\S+", re.IGNORECASE), r"\1" + REDACTED),
    (re.compile(r"(\"(?:token|secret|password|api_key)\"\s*:\s*\")[^\"]*", re.IGNORECASE), r"\1" + REDACTED),
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), REDACTED),
    (re.compile(r"\btx\.[0-9a-f]{16}\.[A-Za-z0-9_-]+"), "tx." + REDACTED),
    # PostgreSQL's error details quote the values of a key or a failing row (people's data).
    (
        re.compile(r"(Key \([^)]*\)=)\(.*?\)(?= (?:already exists|is not present|is still referenced|conflicts))"),
        r"\1" + REDACTED,
    ),
    (re.compile(r"(Failing row contains )\(.*\)"), r"\1" + REDACTED),
]


def redact(text: str) -> str:
    """``text`` without secrets, ID numbers or phone numbers (see the module docstring)."""
    if not text:
        return text
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return sensitive.mask_free_text(text, len(text) + 1)


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        if rid := request_id_var.get():
            out["request_id"] = rid
        if tid := tracing.current_trace_id():
            out["trace_id"] = tid
        out.update(
            {
                k: redact(v) if isinstance(v, str) else v
                for k, v in record.__dict__.items()
                if k not in _STANDARD and not k.startswith("_")
            }
        )
        if record.exc_info:
            out["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False, default=str)


def configure(service: str, level: str = "INFO") -> None:
    """Route the root logger to stderr as JSON (idempotent)."""
    handler = logging.StreamHandler(sys.stderr)
    formatter = JsonFormatter(service)
    formatter.converter = __import__("time").gmtime
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("kafka").setLevel(logging.WARNING)
