"""Index templates (评价指标体系), versioned.

The department's default 6x20 index ships with the code; administrators add their
own templates or new versions of one as data. A version never changes once saved,
and a round copies the version it started with, so editing the index later never
rescores a past round.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.errors import NotFound
from evaluation.adapters.tables import templates
from evaluation.domain.index import DEFAULT, Category, IndexTemplate, Item
from evaluation.service_layer.unit_of_work import UnitOfWork, UowFactory


def template_to_json(t: IndexTemplate) -> dict:
    return {
        "code": t.code,
        "version": t.version,
        "name": t.name,
        "categories": [
            {
                "code": c.code,
                "name": c.name,
                "weight": str(c.weight),
                "items": [
                    {"code": i.code, "name": i.name, "weight": str(i.weight), "max_score": i.max_score} for i in c.items
                ],
            }
            for c in t.categories
        ],
    }


def template_from_json(d: dict) -> IndexTemplate:
    return IndexTemplate(
        d["code"],
        d["version"],
        d["name"],
        tuple(
            Category(
                c["code"],
                c["name"],
                Decimal(str(c["weight"])),
                tuple(Item(i["code"], i["name"], Decimal(str(i["weight"])), i["max_score"]) for i in c["items"]),
            )
            for c in d["categories"]
        ),
    )


def listing(uow_factory: UowFactory) -> list[dict]:
    with uow_factory() as uow:
        stored = (
            uow.session.execute(
                sa.select(templates.c.code, templates.c.version, templates.c.name, templates.c.created_at).order_by(
                    templates.c.code, templates.c.version
                )
            )
            .mappings()
            .all()
        )
    builtin = {"code": DEFAULT.code, "version": DEFAULT.version, "name": DEFAULT.name, "created_at": None}
    return [builtin, *(dict(r) for r in stored)]


def find(uow_factory: UowFactory, code: str | None, version: int | None) -> dict:
    """One template version with its categories and items."""
    with uow_factory() as uow:
        return template_to_json(find_in(uow, code, version))


def find_in(uow: UnitOfWork, code: str | None, version: int | None) -> IndexTemplate:
    """A template by code and version (the latest version when none is given); the default without a code."""
    if code is None:
        return DEFAULT
    if version is not None and not 0 < version < 2**31:
        raise NotFound("未找到该指标体系版本", "No such index template version", field="template_version")
    query = sa.select(templates.c.body).where(templates.c.code == code)
    if version is not None:
        query = query.where(templates.c.version == version)
    body = uow.session.execute(query.order_by(templates.c.version.desc()).limit(1)).scalar()
    if body is None:
        if code == DEFAULT.code and version in (None, DEFAULT.version):
            return DEFAULT
        raise NotFound("未找到该指标体系版本", "No such index template version", field="template_code")
    return template_from_json(body)


def save(uow_factory: UowFactory, principal: Principal, body: dict) -> dict:
    """A new version of the template ``body['code']`` (version 1 for a new code), validated."""
    principal.require_role("admin")
    principal.require_department_wide()
    with uow_factory() as uow:
        data = _save(uow, principal, body)
        uow.commit()
        return data


def _save(uow: UnitOfWork, principal: Principal, body: dict) -> dict:
    latest = uow.session.execute(
        sa.select(sa.func.max(templates.c.version)).where(templates.c.code == body["code"])
    ).scalar()
    if latest is None and body["code"] == DEFAULT.code:
        latest = DEFAULT.version
    template = template_from_json({**body, "version": (latest or 0) + 1})  # validates the weights
    data = template_to_json(template)
    uow.session.execute(
        templates.insert(),
        dict(
            code=template.code,
            version=template.version,
            name=template.name,
            body=data,
            created_by=principal.subject,
            created_at=dt.datetime.now(dt.UTC),
        ),
    )
    return data
