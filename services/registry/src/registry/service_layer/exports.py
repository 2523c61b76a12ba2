"""Export of a search as .xlsx, in the import's column layout, within scope and masked."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis import idnumber
from chassis.auth import Principal
from chassis.errors import Forbidden, InvalidInput
from chassis.spreadsheets import write_xlsx
from registry.adapters.tables import disclosures, memberships, people
from registry.domain.categories import BASE_DATABASES
from registry.service_layer.imports import COLUMNS
from registry.service_layer.queries import READ_ROLES, SearchFilters, search_query

MAX_EXPORT = 100_000


def export_people(
    conn: sa.Connection, principal: Principal, filters: dict, reveal_ids: bool, purpose: str | None
) -> bytes:
    principal.require_role(*READ_ROLES)
    if reveal_ids:
        if not principal.has_role("editor"):
            raise Forbidden("导出完整身份证号码需要编辑或管理员角色", "Exporting full ID numbers needs the editor role")
        if not purpose or len(purpose.strip()) < 4:
            raise InvalidInput(
                "导出完整身份证号码须说明用途（purpose）", "State the purpose for exporting ID numbers", field="purpose"
            )
    query = (
        search_query(principal, SearchFilters(**filters)).order_by(people.c.name_pinyin, people.c.id).limit(MAX_EXPORT)
    )
    rows = conn.execute(query).mappings().all()
    today = filters.get("as_of") or dt.date.today()
    cats: dict[str, list[str]] = {}
    ids = [r["id"] for r in rows]
    for i in range(0, len(ids), 500):
        for m in conn.execute(
            sa.select(memberships.c.person_id, memberships.c.category).where(
                memberships.c.person_id.in_(ids[i : i + 500]),
                memberships.c.start_date <= today,
                sa.or_(memberships.c.end_date.is_(None), memberships.c.end_date > today),
            )
        ):
            cats.setdefault(m.person_id, []).append(BASE_DATABASES[m.category])
    if reveal_ids and rows:
        now = dt.datetime.now(dt.UTC)
        conn.execute(
            disclosures.insert(),
            [
                {
                    "person_id": r["id"],
                    "fields": ["id_number"],
                    "purpose": purpose.strip(),
                    "actor": principal.subject,
                    "channel": "export",
                    "at": now,
                }
                for r in rows
            ],
        )
    header = [name for name in COLUMNS if COLUMNS[name] not in ("ethnicity", "religion")]

    def cells(r):
        for name in header:
            field = COLUMNS[name]
            if field == "id_number":
                yield r["id_number"] if reveal_ids else idnumber.mask(r["id_number"])
            elif field == "gender":
                yield "男" if r["gender"] == "male" else "女"
            elif field == "categories":
                yield "、".join(sorted(cats.get(r["id"], [])))
            else:
                yield r[field]

    return write_xlsx(header, (list(cells(r)) for r in rows))
