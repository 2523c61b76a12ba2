"""Reads: one person (masked by default) and likely duplicates; search is ``search``, history and
contacts are ``person_records``.

Every query is confined to the caller's admin-unit subtree in SQL, so counts,
pages and exports can never include, or hint at, people outside it.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis import idnumber, sensitive
from chassis.auth import Principal
from chassis.errors import Forbidden, InvalidInput, NotFound
from registry.adapters.tables import memberships, people
from registry.domain.categories import BASE_DATABASES, SENSITIVE_CATEGORIES
from registry.domain.fields import Membership
from registry.service_layer import processing_records
from registry.service_layer.unit_of_work import UnitOfWork, UowFactory

READ_ROLES = ("viewer", "editor")
REVEAL_ROLES = ("editor",)


def in_scope(principal: Principal):
    return people.c.unit_code.like(principal.scope_prefix + "%")


def row_or_404(uow: UnitOfWork, principal: Principal, person_id: str):
    row = uow.session.execute(sa.select(people).where(people.c.id == person_id, in_scope(principal))).mappings().first()
    if row is None:
        raise NotFound("未找到该人员", "No such person")
    return row


def person_view(
    uow_factory: UowFactory,
    principal: Principal,
    person_id: str,
    reveal: set[str] = frozenset(),
    purpose: str | None = None,
    on: dt.date | None = None,
) -> dict:
    """The person as staff see them: sensitive fields masked unless revealed for a stated purpose."""
    principal.require_role(*READ_ROLES)
    with uow_factory(principal.subject) as uow:
        conn = uow.session
        row = row_or_404(uow, principal, person_id)
        view = public_fields(row, principal)
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
            processing_records.record(
                uow, principal, [person_id], sorted(reveal), purpose.strip(), "api", dt.datetime.now(dt.UTC)
            )
        view["revealed"] = sorted(reveal)
        uow.commit()
        return view


def public_fields(row, principal: Principal) -> dict:
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


def likely_duplicates(uow_factory: UowFactory, principal: Principal, limit: int = 100) -> list[dict]:
    """Groups of active people in scope with the same name and birth date, or name and phone."""
    principal.require_role(*READ_ROLES)
    with uow_factory(principal.subject) as uow:
        conn = uow.session
        groups = []
        for rule, keys in (
            ("name+birth_date", (people.c.name, people.c.birth_date)),
            ("name+phone", (people.c.name, people.c.phone)),
        ):
            base = sa.select(*keys).where(
                in_scope(principal), people.c.status == "active", *[k.is_not(None) for k in keys]
            )
            dupes = conn.execute(base.group_by(*keys).having(sa.func.count() > 1).limit(limit)).all()
            for key in dupes:
                ids = (
                    conn.execute(
                        sa.select(people.c.id)
                        .where(
                            in_scope(principal),
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
