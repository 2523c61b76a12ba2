"""Export of a search as .xlsx: within scope, masked per role, and every export recorded.

An export leaves the system for good, so it follows the person view's rule
(``chassis.sensitive``): the masked ID number sits beside the birth *year* only,
religion and ethnicity never leave, contact data and religious or ethnic
categories and tags only for the roles that see them plainly. The full ID number
(and with it the birth date) needs the editor role and a purpose, and is recorded
per person. Every export, masked or not, is recorded as a disclosure: who, which
columns, how many rows, for what purpose.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis import idnumber, sensitive
from chassis.auth import Principal
from chassis.errors import Forbidden, InvalidInput
from chassis.spreadsheets import write_xlsx
from registry.adapters.tables import exports, memberships, people
from registry.domain.categories import BASE_DATABASES
from registry.service_layer import processing_records
from registry.service_layer.imports import COLUMNS
from registry.service_layer.queries import READ_ROLES, REVEAL_ROLES
from registry.service_layer.search import SearchFilters, search_query
from registry.service_layer.unit_of_work import UnitOfWork, UowFactory

MAX_EXPORT = 100_000
#: Not an import column, so a masked export still re-imports (the year is ignored there).
BIRTH_YEAR = "出生年份"


def export_people(
    uow_factory: UowFactory, principal: Principal, filters: dict, reveal_ids: bool, purpose: str | None
) -> bytes:
    principal.require_role(*READ_ROLES)
    with uow_factory(principal.subject) as uow:
        conn = uow.session
        if not purpose or len(purpose.strip()) < 4:
            raise InvalidInput(
                "导出须说明用途（purpose，至少4个字），每次导出都会记录",
                "State the purpose of the export",
                field="purpose",
            )
        if reveal_ids and not principal.has_role(*REVEAL_ROLES):
            raise Forbidden("导出完整身份证号码需要编辑或管理员角色", "Exporting full ID numbers needs the editor role")
        purpose = purpose.strip()
        query = (
            search_query(principal, SearchFilters(**filters))
            .order_by(people.c.name_pinyin, people.c.id)
            .limit(MAX_EXPORT)
        )
        rows = conn.execute(query).mappings().all()
        cats = _categories(uow, [r["id"] for r in rows], filters.get("as_of") or dt.date.today())
        now = dt.datetime.now(dt.UTC)
        sees_sensitive_lists = principal.has_role(*REVEAL_ROLES)
        header = _header(reveal_ids)
        plain = [
            name
            for name in header
            if name == BIRTH_YEAR or (sensitive.visible_plainly(COLUMNS[name], principal.has_role) or reveal_ids)
        ]
        if reveal_ids:
            ids = [r["id"] for r in rows]
            processing_records.record(uow, principal, ids, ["id_number", "birth_date"], purpose, "export", now)
        conn.execute(
            exports.insert().values(
                actor=principal.subject,
                scope_unit=principal.unit,
                purpose=purpose,
                fields=[COLUMNS.get(name, "birth_year") for name in plain],
                row_count=len(rows),
                filters={k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in filters.items()},
                at=now,
            )
        )

        def cells(r):
            for name in header:
                field = COLUMNS.get(name)
                if name == BIRTH_YEAR:
                    yield r["birth_date"].year
                elif field == "id_number":
                    yield r["id_number"] if reveal_ids else idnumber.mask(r["id_number"])
                elif field == "gender":
                    yield "男" if r["gender"] == "male" else "女"
                elif field == "categories":
                    shown = cats.get(r["id"], [])
                    shown = shown if sees_sensitive_lists else sensitive.public_values(shown)
                    yield "、".join(sorted(BASE_DATABASES[c] for c in shown))
                elif field == "tags":
                    tags = r["tags"] or []
                    yield "、".join(tags if sees_sensitive_lists else sensitive.public_values(tags))
                elif not sensitive.visible_plainly(field, principal.has_role) and not reveal_ids:
                    yield sensitive.HIDDEN
                else:
                    yield r[field]

        uow.commit()
        return write_xlsx(header, (list(cells(r)) for r in rows))


def _header(reveal_ids: bool) -> list[str]:
    """Import columns without religion and ethnicity (never exported); the birth date only with
    the full ID number it is part of, the year otherwise."""
    header = [name for name, field in COLUMNS.items() if field not in ("ethnicity", "religion")]
    if not reveal_ids:
        header[header.index("出生日期")] = BIRTH_YEAR
    return header


def _categories(uow: UnitOfWork, ids: list[str], day: dt.date) -> dict[str, list[str]]:
    cats: dict[str, list[str]] = {}
    for i in range(0, len(ids), 500):
        for m in uow.session.execute(
            sa.select(memberships.c.person_id, memberships.c.category).where(
                memberships.c.person_id.in_(ids[i : i + 500]),
                memberships.c.start_date <= day,
                sa.or_(memberships.c.end_date.is_(None), memberships.c.end_date > day),
            )
        ):
            cats.setdefault(m.person_id, []).append(m.category)
    return cats
