"""Test data helpers for the registry: admin units of the shipped data, valid ID numbers, bodies."""

from __future__ import annotations

import datetime as dt
import itertools

import sqlalchemy as sa

from chassis import idnumber
from registry.adapters.tables import people

COUNTY = "370783000000"
SHENGCHENG = "370783001000"  # 圣城街道
DONGGUAN = "370783001001"  # 东关社区, in 圣城街道
XICHENG = "370783001002"  # 西城社区, in 圣城街道
WENJIA_VILLAGE = "370783002001"  # a community of 文家街道
_sequence = itertools.count(1)


def new_id_number(born=dt.date(1975, 3, 8), gender="male") -> str:
    n = next(_sequence)
    return idnumber.make(f"3707{83 + n // 100 % 10:02d}", born, n % 100, gender)


def person_body(**overrides) -> dict:
    body = {
        "name": "张伟",
        "id_number": new_id_number(),
        "unit_code": DONGGUAN,
        "categories": ["non_party_representative"],
    }
    body.update(overrides)
    return body


def count(registry, table=people) -> int:
    with registry.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
