"""Helpers shared by the registry's views: the Registry object, ETags and If-Match."""

from __future__ import annotations

import re

from flask import current_app, request

from chassis.errors import InvalidInput, PreconditionRequired
from registry.bootstrap import Registry

_ETAG = re.compile(r'^(?:W/)?"?v?(\d+)"?$')


def registry() -> Registry:
    return current_app.extensions["registry"]


def etag(version: int) -> dict:
    return {"ETag": f'"v{version}"'}


def if_match() -> int:
    """The version the caller last saw, from If-Match; required for every change."""
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired(
            "修改前须在 If-Match 请求头中提供读取时的 ETag（防止覆盖他人修改）",
            "Send the ETag you read in If-Match, so nobody's change is overwritten",
        )
    match = _ETAG.match(header.strip())
    if not match:
        raise InvalidInput("If-Match 请求头格式不正确", 'If-Match must look like "v3"', field="If-Match")
    return int(match.group(1))
