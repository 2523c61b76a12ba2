"""RFC 7807 problem+json bodies, in Chinese and English, for every 4xx and 5xx."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Response, json
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from chassis.errors import AppError
from chassis.logs import request_id_var

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "urn:tongxin:problem:"

_HTTP_ZH = {
    400: "请求格式错误",
    401: "未认证或令牌无效",
    403: "无权执行此操作",
    404: "未找到",
    405: "不支持该请求方法",
    406: "无法提供所请求的格式",
    409: "与现有数据冲突",
    412: "数据已被他人修改",
    413: "请求体过大",
    415: "不支持的内容类型",
    422: "请求数据无效",
    428: "需要前置条件请求头",
    429: "请求过于频繁",
    500: "服务器内部错误",
    503: "服务暂不可用",
}
_FIELD_ZH = [
    (r"^Missing data for required field\.$", "缺少必填字段"),
    (r"^Field may not be null\.$", "该字段不能为空"),
    (r"^Unknown field\.$", "未知字段"),
    (r"^Not a valid string\.$", "不是有效的字符串"),
    (r"^Not a valid integer\.$", "不是有效的整数"),
    (r"^Not a valid number\.$", "不是有效的数字"),
    (r"^Not a valid boolean\.$", "不是有效的布尔值"),
    (r"^Not a valid date\.$", "不是有效的日期（格式 YYYY-MM-DD）"),
    (r"^Not a valid datetime\.$", "不是有效的日期时间"),
    (r"^Not a valid list\.$", "不是有效的列表"),
    (r"^Not a valid mapping type\.$", "不是有效的对象"),
    (r"^Invalid input type\.$", "输入类型无效"),
    (r"^Invalid value\.$", "取值无效"),
    (r"^String does not match expected pattern\.$", "格式不正确"),
    (r"^Must be one of: (.*)\.$", r"必须是以下之一：\1"),
    (r"^Length must be between (\d+) and (\d+)\.$", r"长度必须在 \1 到 \2 之间"),
    (r"^Shorter than minimum length (\d+)\.$", r"长度不能少于 \1"),
    (r"^Longer than maximum length (\d+)\.$", r"长度不能超过 \1"),
    (r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$", r"必须在 \1 到 \2 之间"),
    (r"^Must be greater than or equal to (\S+)\.$", r"必须大于或等于 \1"),
    (r"^Must be less than or equal to (\S+)\.$", r"必须小于或等于 \1"),
    (r"^Not a valid UUID\.$", "不是有效的 UUID"),
    (r"^Not a valid email address\.$", "不是有效的电子邮件地址"),
    (r"^Invalid JSON body\.$", "请求体不是有效的 JSON"),
]


def translate(message: str) -> str:
    zh = getattr(message, "zh", None)
    if zh:
        return str(zh)
    for pattern, replacement in _FIELD_ZH:
        if re.match(pattern, str(message)):
            return re.sub(pattern, replacement, str(message))
    return str(message)


def flatten(messages: Any, location: str = "", path: str = "") -> list[dict[str, Any]]:
    """marshmallow/webargs nested messages -> [{field, location, message, message_en}]."""
    out: list[dict[str, Any]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if not path and not location and key in ("json", "query", "form", "headers", "files", "view_args"):
                out += flatten(value, key, "")
            else:
                out += flatten(value, location, f"{path}.{key}" if path else str(key))
    elif isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            out += [
                {"field": path or None, "location": location or None, "message": translate(m), "message_en": str(m)}
                for m in dict.fromkeys(messages)  # two validators saying the same thing say it once
            ]
        else:
            for item in messages:
                out += flatten(item, location, path)
    else:
        out.append(
            {
                "field": path or None,
                "location": location or None,
                "message": translate(str(messages)),
                "message_en": str(messages),
            }
        )
    return out


#: The members every problem body has; an extension member may not replace them.
STANDARD_MEMBERS = frozenset({"type", "status", "title", "title_en", "detail", "detail_en", "request_id"})


def problem(
    status: int, code: str, title_zh: str, title_en: str, detail_zh: str, detail_en: str, /, **extra: Any
) -> Response:
    """A problem+json response. The standard members are positional only, so an extension member may
    share a name with an argument (``Conflict(..., status=record.status)`` stays a 409, it used to be
    a 500 "multiple values for argument"); one named like a standard member is dropped (the HTTP
    status is the body's ``status``, as RFC 7807 wants) and logged for the developer to rename."""
    clashing = sorted(k for k in extra if k in STANDARD_MEMBERS)
    if clashing:
        log.warning("problem extension members %s clash with standard members and are dropped", clashing)
    body = {
        "type": TYPE_BASE + code,
        "status": status,
        "title": title_zh,
        "title_en": title_en,
        "detail": detail_zh,
        "detail_en": detail_en,
        **{k: v for k, v in extra.items() if v is not None and k not in clashing},
    }
    if rid := request_id_var.get():
        body["request_id"] = rid
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)


def from_app_error(err: AppError) -> Response:
    response = problem(err.status, err.code, err.title_zh, err.title_en, err.detail_zh, err.detail_en, **err.extra)
    if "retry_after" in err.extra:
        response.headers["Retry-After"] = str(err.extra["retry_after"])
    return response


def from_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    title_en = exc.name
    title_zh = _HTTP_ZH.get(status, title_en)
    if messages:
        errors = flatten(messages)
        first = errors[0] if errors else {}
        detail_zh = "；".join(f"{e['field'] or '请求'}：{e['message']}" for e in errors[:5])
        detail_en = "; ".join(f"{e['field'] or 'request'}: {e['message_en']}" for e in errors[:5])
        code = "invalid-input" if status == 422 else "bad-request"
        return problem(
            status,
            code,
            title_zh,
            title_en,
            detail_zh or title_zh,
            detail_en or first.get("message_en", ""),
            errors=errors,
        )
    detail_en = data.get("message") or exc.description or title_en
    code = re.sub(r"[^a-z0-9]+", "-", title_en.lower()).strip("-")
    return problem(status, code, title_zh, title_en, title_zh, detail_en)


class ProblemSchema(Schema):
    """The documented error body of every endpoint."""

    type = fields.String()
    status = fields.Integer()
    title = fields.String(metadata={"description": "中文标题"})
    title_en = fields.String()
    detail = fields.String(metadata={"description": "中文说明"})
    detail_en = fields.String()
    errors = fields.List(fields.Dict(), metadata={"description": "per-field messages for 422"})
    request_id = fields.String()
