"""Application errors that map to RFC 7807 problem+json responses.

Every error carries a message in Chinese (the staff's working language) and in
English. Domain code raises these (plain Python, no web framework); the HTTP
chassis turns them into responses.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status = 400
    code = "bad-request"
    title_zh = "请求有误"
    title_en = "Bad request"

    def __init__(self, detail_zh: str | None = None, detail_en: str | None = None, **extra: Any):
        super().__init__(detail_en or self.title_en)
        self.detail_zh = detail_zh or self.title_zh
        self.detail_en = detail_en or self.title_en
        self.extra = extra


class InvalidInput(AppError):
    status, code, title_zh, title_en = 422, "invalid-input", "请求数据无效", "Invalid request data"


class Unauthorized(AppError):
    status, code, title_zh, title_en = 401, "unauthorized", "未认证或令牌无效", "Missing or invalid credentials"


class Forbidden(AppError):
    status, code, title_zh, title_en = 403, "forbidden", "无权执行此操作", "Not allowed"


class NotFound(AppError):
    status, code, title_zh, title_en = 404, "not-found", "未找到", "Not found"


class Conflict(AppError):
    status, code, title_zh, title_en = 409, "conflict", "与现有数据冲突", "Conflicts with existing data"


class PreconditionFailed(AppError):
    status, code, title_zh, title_en = 412, "precondition-failed", "数据已被他人修改", "The resource has changed"


class PreconditionRequired(AppError):
    status, code, title_zh, title_en = 428, "precondition-required", "需要 If-Match 请求头", "If-Match header required"


class TooManyRequests(AppError):
    status, code, title_zh, title_en = 429, "rate-limited", "请求过于频繁", "Too many requests"


class Bilingual(str):
    """A validation message that carries its Chinese text beside the English one.

    Raise ``marshmallow.ValidationError(Bilingual("Bad check digit", "校验码错误"))`` in a
    validator and the problem response shows both.
    """

    zh: str

    def __new__(cls, en: str, zh: str) -> Bilingual:
        obj = super().__new__(cls, en)
        obj.zh = zh
        return obj

    def format(self, *args: object, **kwargs: object) -> Bilingual:
        """Both texts formatted alike, so a marshmallow validator's ``error=Bilingual(...)`` (which
        it fills with ``{input}``, ``{choices}`` ...) keeps its Chinese."""
        return Bilingual(str.format(self, *args, **kwargs), self.zh.format(*args, **kwargs))
