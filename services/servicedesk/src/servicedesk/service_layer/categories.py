"""Request categories and their SLAs: working days to first response and to resolution, by priority.

A fresh installation starts with ``DEFAULT_CATEGORIES``; admins add, change or retire them.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.errors import InvalidInput
from servicedesk.adapters.tables import categories
from servicedesk.domain import lifecycle
from servicedesk.service_layer.unit_of_work import UowFactory

#: The categories a fresh installation starts with; staff add or change them later.
DEFAULT_CATEGORIES = [
    ("school_enrollment", "子女入学", "Children's school enrollment"),
    ("financing", "融资贷款", "Financing"),
    ("recruitment", "招聘用工", "Recruitment"),
    ("legal", "法律服务", "Legal help"),
    ("medical", "医疗健康", "Medical"),
    ("policy", "政策咨询", "Policy question"),
    ("other", "其他", "Other"),
]
#: Working days to first response and to resolution, by priority.
DEFAULT_SLA = {
    "normal": {"response_days": "2", "resolution_days": "15"},
    "high": {"response_days": "1", "resolution_days": "7"},
    "urgent": {"response_days": "0.25", "resolution_days": "2"},
}


def seed_categories(uow_factory: UowFactory) -> None:
    """Add any default category not there yet (on every migration; admins' changes stay)."""
    with uow_factory() as uow:
        known = set(uow.session.execute(sa.select(categories.c.code)).scalars())
        rows = [
            dict(code=c, name_zh=zh, name_en=en, sla=DEFAULT_SLA, active=True)
            for c, zh, en in DEFAULT_CATEGORIES
            if c not in known
        ]
        if rows:
            uow.session.execute(categories.insert(), rows)
        uow.commit()


def budget(sla: dict, priority: str, clock: str) -> dt.timedelta:
    """The working time a category's SLA allows a ``clock`` (response or resolution) at a priority."""
    return dt.timedelta(days=float(Decimal(str(sla[priority][f"{clock}_days"]))))


def category_list(uow_factory: UowFactory) -> list[dict]:
    with uow_factory() as uow:
        conn = uow.session
        return [dict(r) for r in conn.execute(sa.select(categories).order_by(categories.c.code)).mappings()]


def save_category(uow_factory: UowFactory, principal: Principal, code: str, body: dict) -> dict:
    principal.require_role("admin")
    with uow_factory() as uow:
        session = uow.session
        principal.require_department_wide()
        if not re.fullmatch(r"[a-z0-9_]{2,40}", code):
            raise InvalidInput(
                "类别代码须为2–40位小写字母、数字或下划线", "A category code is 2-40 of a-z, 0-9, _", field="code"
            )
        for priority in lifecycle.PRIORITIES:
            if priority not in body["sla"]:
                raise InvalidInput(f"缺少“{priority}”优先级的时限", f"SLA for priority {priority} missing", field="sla")
        sla = {
            p: {k: str(body["sla"][p][k]) for k in ("response_days", "resolution_days")} for p in lifecycle.PRIORITIES
        }
        row = dict(code=code, name_zh=body["name_zh"], name_en=body["name_en"], sla=sla, active=body["active"])
        if session.execute(sa.select(categories.c.code).where(categories.c.code == code)).first():
            session.execute(categories.update().where(categories.c.code == code).values(row))
        else:
            session.execute(categories.insert(), row)
        uow.commit()
        return row
