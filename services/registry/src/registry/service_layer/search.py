"""Searching people: a page sorted by pinyin (dictionary order) with a stable keyset cursor, by name,
pinyin or initials, ID number, unit subtree, category and more, all confined to the caller's subtree."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import sqlalchemy as sa

from chassis import sensitive, units
from chassis.auth import Principal
from chassis.errors import Forbidden, InvalidInput
from chassis.paging import decode_cursor, encode_cursor
from registry.adapters.tables import memberships, people
from registry.domain.categories import BASE_DATABASES, SENSITIVE_CATEGORIES
from registry.service_layer.queries import READ_ROLES, REVEAL_ROLES, in_scope, public_fields
from registry.service_layer.unit_of_work import UowFactory

_ASCII_WORD = re.compile(r"^[a-z ]+$")


@dataclasses.dataclass
class SearchFilters:
    q: str | None = None
    text: str | None = None
    category: str | None = None
    unit: str | None = None
    representative: bool | None = None
    body: str | None = None
    tag: str | None = None
    status: str = "active"
    as_of: dt.date | None = None


def search_query(principal: Principal, f: SearchFilters) -> sa.Select:
    """The SELECT for a search, confined to scope; callers add order and limits."""
    query = sa.select(people).where(in_scope(principal))
    if f.status != "all":
        query = query.where(people.c.status == f.status)
    if f.unit:
        query = query.where(people.c.unit_code.like(_unit_prefix(f.unit) + "%"))
    if f.q:
        query = query.where(_name_match(f.q))
    if f.text:
        # Viewers search text without sensitive values; editors, who see every tag, search it all.
        column = people.c.search_text_all if principal.has_role(*REVEAL_ROLES) else people.c.search_text
        query = query.where(column.like(f"%{_like_safe(f.text.lower())}%"))
    if f.category:
        if f.category not in BASE_DATABASES:
            raise InvalidInput(f"未知的基础库：{f.category}", f"Unknown base database: {f.category}", field="category")
        if f.category in SENSITIVE_CATEGORIES and not principal.has_role(*REVEAL_ROLES):
            raise Forbidden(
                "按宗教界、少数民族人士库筛选需要编辑或管理员角色",
                "Filtering by a religious or ethnic base database needs the editor role",
            )
        day = f.as_of or dt.date.today()
        query = query.where(
            sa.exists().where(
                memberships.c.person_id == people.c.id,
                memberships.c.category == f.category,
                memberships.c.start_date <= day,
                sa.or_(memberships.c.end_date.is_(None), memberships.c.end_date > day),
            )
        )
    if not principal.has_role(*REVEAL_ROLES) and any(sensitive.is_sensitive_value(v) for v in (f.tag, f.text) if v):
        raise Forbidden(
            "按涉及宗教或民族的标签检索需要编辑或管理员角色",
            "Searching by a tag or text that names a religion or ethnicity needs the editor role",
        )
    if f.representative is not None:
        query = query.where(people.c.is_representative.is_(f.representative))
    if f.body:
        query = query.where(sa.cast(people.c.representative_roles, sa.Text).like(f'%"body": "{_like_safe(f.body)}"%'))
    if f.tag:
        query = query.where(sa.cast(people.c.tags, sa.Text).like(f'%"{_like_safe(f.tag)}"%'))
    return query


def _unit_prefix(unit: str) -> str:
    try:
        return units.scope_prefix(unit)
    except units.InvalidUnitCode:
        raise InvalidInput("行政区划代码须为12位数字", "unit must be a 12-digit code", field="unit") from None


def _name_match(q: str):
    """Name or pinyin *prefix*, answered from indexes: each branch is a range on one indexed
    column and the branches are united by id, so a common prefix never scans the table."""
    text = " ".join(q.lower().split())
    if _ASCII_WORD.match(text):
        compact = text.replace(" ", "")
        branches = [
            _prefix(people.c.name_initials, compact),
            _prefix(people.c.name_pinyin, text),
            _prefix(people.c.name_pinyin_compact, compact),
        ]
    else:
        return _prefix(people.c.name, q.strip())  # one range: no union needed
    return people.c.id.in_(sa.union(*(sa.select(people.c.id).where(b) for b in branches)).scalar_subquery())


def _prefix(column, prefix: str):
    """``column LIKE 'prefix%'`` as a range, which both databases answer from a byte-ordered index."""
    return sa.and_(column >= prefix, column < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def _like_safe(value: str) -> str:
    return value.replace("%", "").replace("_", "").replace('"', "")


def search(
    uow_factory: UowFactory,
    principal: Principal,
    f: SearchFilters,
    limit: int = 50,
    cursor: str | None = None,
    with_total: bool = False,
) -> dict:
    """A page of people sorted by pinyin (dictionary order), with a stable keyset cursor."""
    principal.require_role(*READ_ROLES)
    with uow_factory(principal.subject) as uow:
        conn = uow.session
        query = search_query(principal, f)
        total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar() if with_total else None
        if cursor:
            after_pinyin, after_id = decode_cursor(cursor, 2)
            query = query.where(
                sa.tuple_(people.c.name_pinyin, people.c.id) > sa.tuple_(sa.literal(after_pinyin), sa.literal(after_id))
            )
        # With a name/pinyin prefix the matches come from index ranges: sort them, rather than let the
        # planner walk the whole pinyin index hoping to meet 50 matches early (it misses for late letters).
        sort_key = people.c.name_pinyin.op("||")("") if f.q else people.c.name_pinyin
        rows = conn.execute(query.order_by(sort_key, people.c.id).limit(limit + 1)).mappings().all()
        items = [public_fields(r, principal) for r in rows[:limit]]
        next_cursor = (
            encode_cursor(rows[limit - 1]["name_pinyin"], rows[limit - 1]["id"]) if len(rows) > limit else None
        )
        return {"items": items, "next_cursor": next_cursor, "total": total}
