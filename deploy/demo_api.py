"""A tiny JSON client for the services' public APIs, and a poll helper: the demo seeder's
transport (standard library only)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable


class Api:
    """A tiny JSON client for the services' public APIs."""

    def __init__(self, base: str, token: str | Callable[[], str] | None = None, api_key: str | None = None):
        self.base = base.rstrip("/")
        self.token = token
        self.headers = {"Accept": "application/json"}
        if api_key:
            self.headers["Authorization"] = f"ApiKey {api_key}"

    def call(self, method: str, path: str, body=None, headers=None, raw: bytes | None = None, ok=(200, 201, 202)):
        data = raw if raw is not None else (json.dumps(body, ensure_ascii=False).encode() if body is not None else None)
        h = {**self.headers, **(headers or {})}
        if self.token:  # a callable gives a fresh access token (Keycloak's live five minutes)
            h["Authorization"] = f"Bearer {self.token() if callable(self.token) else self.token}"
        if body is not None:
            h["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)  # noqa: S310 (http only)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:  # noqa: S310 (our own services)
                payload = r.read()
                return (
                    r.status,
                    (json.loads(payload) if payload and r.headers.get_content_type().endswith("json") else payload),
                )
        except urllib.error.HTTPError as e:
            payload = e.read()
            if e.code in ok:
                return e.code, json.loads(payload or b"null")
            return e.code, json.loads(payload) if payload.startswith(b"{") else payload

    def must(self, method: str, path: str, body=None, **kw):
        status, payload = self.call(method, path, body, **kw)
        if status not in (200, 201, 202):
            raise RuntimeError(f"{method} {self.base}{path} -> {status}: {payload}")
        return payload


def wait(what: str, probe: Callable[[], object], timeout: float = 180) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.5)
    raise RuntimeError(f"demo data: timed out waiting for {what}")
