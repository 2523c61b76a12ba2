"""The registry benchmarks' people: synthetic names (with their pinyin search keys), valid ID
numbers and category memberships, written straight into the tables as set-up for search latency,
or as the county's .xlsx for the import benchmark. Deterministic (seeded)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import random
import uuid

import sqlalchemy as sa
from openpyxl import Workbook

from chassis import idnumber, pinyin
from registry.adapters.tables import memberships, people
from registry.domain.categories import BASE_DATABASES

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华玉兰志强永刚海燕红梅文博子涵浩然欣怡雨轩梓萱宇航"
COUNTY = "370783000000"


def villages(engine) -> list[str]:
    with engine.connect() as conn:
        return [c for (c,) in conn.execute(sa.text("SELECT code FROM admin_units WHERE level = 'village'"))]


def synthetic_people(n: int, units: list[str], seed: int = 7):
    rnd = random.Random(seed)
    names = [s + g for s in SURNAMES for g in GIVEN[::1]] + [
        s + a + b for s in SURNAMES[:20] for a in GIVEN[:10] for b in GIVEN[10:20]
    ]
    keys = {name: (pinyin.full(name), pinyin.initials(name), pinyin.compact(name)) for name in names}
    categories = list(BASE_DATABASES)
    for i in range(n):
        name = rnd.choice(names)
        gender = rnd.choice(("male", "female"))
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rnd.randrange(0, 365 * 50))
        number = idnumber.make("3707" + f"{i // 100 % 100:02d}", born, i % 100, gender)
        yield i, name, keys[name], gender, born, number, rnd.choice(units), rnd.choice(categories)


def fill(engine, n: int, start: int, secret: str) -> None:
    """Insert people ``start..n`` directly (set-up for search latency, not what is measured)."""
    units = villages(engine)
    now = dt.datetime.now(dt.UTC)
    batch_people, batch_members = [], []
    with engine.begin() as conn:
        for i, name, (full, initials, compact), gender, born, number, unit, cat in itertools.islice(
            synthetic_people(n, units), start, n
        ):
            pid = str(uuid.UUID(int=i + 1))
            batch_people.append(
                dict(
                    id=pid,
                    name=name,
                    name_pinyin=full,
                    name_initials=initials,
                    name_pinyin_compact=compact,
                    gender=gender,
                    birth_date=born,
                    id_number=number,
                    id_digest=f"{i:064x}",
                    unit_code=unit,
                    tags=[],
                    search_text=name,
                    search_text_all=name,  # no sensitive values here: the same text
                    status="active",
                    is_representative=i % 50 == 0,
                    representative_roles=[{"body": "cppcc", "level": "county"}] if i % 50 == 0 else [],
                    version=1,
                    event_version=1,  # its registered.v1 event
                    created_at=now,
                    updated_at=now,
                    employer=f"企业{i % 997}",
                )
            )
            batch_members.append(dict(person_id=pid, category=cat, start_date=dt.date(2020, 1, 1)))
            if len(batch_people) == 5000:
                conn.execute(people.insert(), batch_people)
                conn.execute(memberships.insert(), batch_members)
                batch_people, batch_members = [], []
        if batch_people:
            conn.execute(people.insert(), batch_people)
            conn.execute(memberships.insert(), batch_members)
        conn.execute(sa.text("ANALYZE"))  # both planners choose better with statistics


def county_workbook(n: int, units: list[str]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["姓名", "性别", "出生日期", "身份证号码", "行政区划代码", "基础库", "工作单位"])
    for _, name, _, gender, born, number, unit, cat in synthetic_people(n, units, seed=11):
        ws.append([name, "男" if gender == "male" else "女", born, number, unit, BASE_DATABASES[cat], "寿光某企业"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
