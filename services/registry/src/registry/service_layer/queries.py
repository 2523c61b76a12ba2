"""Reads: one person (masked by default), search, history, contacts, likely duplicates.

Every query is confined to the caller's admin-unit subtree in SQL, so counts,
pages and exports can never include, or hint at, people outside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import sqlalchemy as sa

from chassis import idnumber, sensitive, units
from chassis.auth import Principal
from chassis.errors import Forbidden, InvalidInput, NotFound
from chassis.paging import decode_cursor, encode_cursor
from registry.adapters.tables import contacts, disclosures, history, memberships, people
from registry.domain.categories import BASE_DATABASES, SENSITIVE_CATEGORIES
from registry.domain.person import Membership

READ_ROLES = ("viewer", "editor")
REVEAL_ROLES = ("editor",)
_ASCII_WORD = re.compile(r"^[a-z ]+$")


def _in_scope(principal: Principal):
    return people.c.unit_code.like(principal.scope_prefix + "%")


def _row_or_404(conn: sa.Connection, principal: Principal, person_id: str):
    row = conn.execute(sa.select(people).where(people.c.id == person_id, _in_scope(principal))).mappings().first()
    if row is None:
        raise NotFound("未找到该人员", "No such person")
    return row


def person_view(
    conn: sa.Connection,
    principal: Principal,
    person_id: str,
    reveal: set[str] = frozenset(),
    purpose: str | None = None,
    on: dt.date | None = None,
) -> dict:
    """The person as staff see them: sensitive fields masked unless revealed for a stated purpose."""
    principal.require_role(*READ_ROLES)
    row = _row_or_404(conn, principal, person_id)
    view = _public_fields(row, principal)
    view["categories"] = [
        {
            "category": m.category,
            "name": BASE_DATABASES[m.category],
            "start_date": m.start_date,
            "end_date": m.end_date,
            "reason": m.reason,
            "approved_by": m.approved_by,
            "end_reason": m.end_reason,
        }
        for m in conn.execute(
            sa.select(memberships).where(memberships.c.person_id == person_id).order_by(memberships.c.id)
        )
        if principal.has_role(*REVEAL_ROLES) or m.category not in SENSITIVE_CATEGORIES
    ]
    day = on or dt.date.today()
    view["current_categories"] = sorted(
        c["category"]
        for c in view["categories"]
        if Membership(c["category"], c["start_date"], c["end_date"]).active_on(day)
    )
    if reveal:
        unknown = reveal - set(sensitive.REVEALABLE)
        if unknown:
            raise InvalidInput(
                f"只能查看以下敏感字段：{', '.join(sensitive.REVEALABLE)}",
                f"Only these fields can be revealed: {', '.join(sensitive.REVEALABLE)}",
                field="reveal",
            )
        if not principal.has_role(*REVEAL_ROLES):
            raise Forbidden(
                "查看敏感个人信息需要编辑或管理员角色", "Revealing sensitive data needs the editor or admin role"
            )
        if not purpose or len(purpose.strip()) < 4:
            raise InvalidInput(
                "查看敏感个人信息须说明用途（purpose）",
                "State the purpose for revealing sensitive data",
                field="purpose",
            )
        for name in reveal:
            view[name] = row[name]
        conn.execute(
            disclosures.insert().values(
                person_id=person_id,
                fields=sorted(reveal),
                purpose=purpose.strip(),
                actor=principal.subject,
                channel="api",
                at=dt.datetime.now(dt.UTC),
            )
        )
    view["revealed"] = sorted(reveal)
    return view


def _public_fields(row, principal: Principal) -> dict:
    """A person below any reveal: the ID number masked, the birth year only (a full date beside
    the masked number would rebuild it), hidden fields read ``***`` whether or not a value is
    recorded, contact data only for the roles ``chassis.sensitive`` names."""
    view = {
        k: row[k]
        for k in (
            "id",
            "name",
            "name_pinyin",
            "gender",
            "unit_code",
            "political_affiliation",
            "education",
            "employer",
            "position",
            "needs",
            "notes",
            "tags",
            "status",
            "representative_roles",
            "merged_into",
            "version",
            "created_at",
            "updated_at",
        )
    }
    view["id_number"] = idnumber.mask(row["id_number"])
    view["birth_year"] = row["birth_date"].year
    view["birth_date"] = None
    view["ethnicity"] = view["religion"] = sensitive.HIDDEN
    for field in ("phone", "address"):
        view[field] = row[field] if sensitive.visible_plainly(field, principal.has_role) else sensitive.HIDDEN
    if not principal.has_role(*REVEAL_ROLES):
        view["tags"] = sensitive.public_values(row["tags"] or [])
        # The version counting every change would, by its gaps, count the hidden ones; below the
        # editor role (no writes, so no If-Match) the version is the one events carry.
        view["version"] = row["event_version"]
    return view


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
    query = sa.select(people).where(_in_scope(principal))
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
    conn: sa.Connection,
    principal: Principal,
    f: SearchFilters,
    limit: int = 50,
    cursor: str | None = None,
    with_total: bool = False,
) -> dict:
    """A page of people sorted by pinyin (dictionary order), with a stable keyset cursor."""
    principal.require_role(*READ_ROLES)
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
    items = [_public_fields(r, principal) for r in rows[:limit]]
    next_cursor = encode_cursor(rows[limit - 1]["name_pinyin"], rows[limit - 1]["id"]) if len(rows) > limit else None
    return {"items": items, "next_cursor": next_cursor, "total": total}


def person_history(conn: sa.Connection, principal: Principal, person_id: str) -> list[dict]:
    """The person's change history, with the history of any record merged into it."""
    principal.require_role(*READ_ROLES)
    _row_or_404(conn, principal, person_id)
    merged = [r.id for r in conn.execute(sa.select(people.c.id).where(people.c.merged_into == person_id))]
    rows = conn.execute(
        sa.select(history).where(history.c.person_id.in_([person_id, *merged])).order_by(history.c.at, history.c.id)
    ).mappings()
    if principal.has_role(*REVEAL_ROLES):
        return [dict(r) for r in rows]
    return [entry for r in rows if (entry := _history_below_editor(dict(r))) is not None]


def _history_below_editor(entry: dict) -> dict | None:
    """A history entry as a viewer may see it: no change to a hidden field (not even that one
    happened), no sensitive category or tag, no entry emptied by that, and no version number
    (its gaps would count the hidden changes)."""
    original = entry["changes"]
    changes = [c for c in (_public_change(c) for c in original) if c is not None]
    if original and not changes:
        return None
    entry.pop("version", None)
    return {**entry, "changes": changes}


def _public_change(change: dict) -> dict | None:
    if change["field"] in sensitive.FIELDS:
        return None
    if change["field"] == "tags":
        before, after = (sensitive.public_values(change[k] or []) for k in ("from", "to"))
        return None if before == after else {**change, "from": before, "to": after}
    if change["field"] == "categories" and (
        sensitive.is_sensitive_value(change["from"]) or sensitive.is_sensitive_value(change["to"])
    ):
        return None
    return change


def contact_records(conn: sa.Connection, principal: Principal, person_id: str) -> list[dict]:
    principal.require_role(*READ_ROLES)
    _row_or_404(conn, principal, person_id)
    rows = conn.execute(
        sa.select(contacts)
        .where(contacts.c.person_id == person_id)
        .order_by(contacts.c.contact_date.desc(), contacts.c.id.desc())
    ).mappings()
    return [dict(r) for r in rows]


def likely_duplicates(conn: sa.Connection, principal: Principal, limit: int = 100) -> list[dict]:
    """Groups of active people in scope with the same name and birth date, or name and phone."""
    principal.require_role(*READ_ROLES)
    groups = []
    for rule, keys in (
        ("name+birth_date", (people.c.name, people.c.birth_date)),
        ("name+phone", (people.c.name, people.c.phone)),
    ):
        base = sa.select(*keys).where(
            _in_scope(principal), people.c.status == "active", *[k.is_not(None) for k in keys]
        )
        dupes = conn.execute(base.group_by(*keys).having(sa.func.count() > 1).limit(limit)).all()
        for key in dupes:
            ids = (
                conn.execute(
                    sa.select(people.c.id)
                    .where(
                        _in_scope(principal),
                        people.c.status == "active",
                        *[k == v for k, v in zip(keys, key, strict=True)],
                    )
                    .order_by(people.c.created_at)
                )
                .scalars()
                .all()
            )
            groups.append({"rule": rule, "name": key[0], "person_ids": ids})
    return groups
