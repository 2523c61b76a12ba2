"""Calling the services' public APIs as the signed-in user, with their problem+json
errors turned into messages a person can read (Chinese, with English beside it)."""

from __future__ import annotations

import dataclasses
from typing import Any

import requests

TIMEOUT = 30


@dataclasses.dataclass
class ApiError(Exception):
    status: int
    detail: str
    detail_en: str
    field: str | None = None
    errors: list | None = None
    extra: dict | None = None

    def __str__(self) -> str:
        return f"{self.status}: {self.detail_en}"


class Api:
    def __init__(self, base: str, token: str | None):
        self.base = base.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, **kw) -> requests.Response:
        headers = {**self.headers, **kw.pop("headers", {})}
        try:
            r = requests.request(method, self.base + path, headers=headers, timeout=TIMEOUT, **kw)
        except requests.RequestException:
            raise ApiError(
                503, "服务暂时无法连接，请稍后重试", "The service cannot be reached; try again shortly"
            ) from None
        if r.status_code >= 400:
            raise _problem(r)
        return r

    def get(self, path: str, **params) -> Any:
        return self.call("GET", path, params={k: v for k, v in params.items() if v not in (None, "")}).json()

    def post(self, path: str, body: dict | None = None, **kw) -> Any:
        r = self.call("POST", path, json=body if body is not None else {}, **kw)
        return r.json() if r.headers.get("Content-Type", "").startswith("application/json") else r

    def put(self, path: str, body: dict, **kw) -> Any:
        return self.call("PUT", path, json=body, **kw).json()

    def patch(self, path: str, body: dict, **kw) -> Any:
        return self.call("PATCH", path, json=body, **kw).json()


def _problem(r: requests.Response) -> ApiError:
    try:
        body = r.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    known = {"detail", "detail_en", "field", "errors", "status", "title", "title_en", "type", "request_id"}
    return ApiError(
        r.status_code,
        body.get("detail") or f"服务返回错误（{r.status_code}）",
        body.get("detail_en") or f"The service answered {r.status_code}",
        body.get("field"),
        body.get("errors"),
        {k: v for k, v in body.items() if k not in known},
    )
