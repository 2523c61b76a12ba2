"""The demo's people, generated deterministically: realistic names, valid and unique Shouguang
ID numbers, category memberships, and the registry's spreadsheet they are imported from.

Standalone data generation (no network): ``demo_data.seed`` sends what this makes through the APIs.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import uuid
from pathlib import Path

from openpyxl import Workbook

from chassis import idnumber
from registry.domain.categories import BASE_DATABASES

ROOT = Path(__file__).resolve().parents[1]
COUNTY = "370783000000"
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂华建国玉兰志永海燕红梅文博子涵浩然欣"
    "怡雨轩梓萱宇航德胜淑珍春英庆丰立新振华"
)
CATEGORIES = [
    ("non_public_economy", 30),
    ("new_social_strata", 20),
    ("non_party_intellectual", 18),
    ("democratic_party_member", 10),
    ("non_party_representative", 8),
    ("overseas_returnee", 5),
    ("non_party_figure", 4),
    ("ethnic_minority", 3),
    ("hmt_overseas_chinese", 1),
    ("religious_figure", 1),
]
ZH_CATEGORY = BASE_DATABASES  # the registry's own names of its ten base databases
EMPLOYERS = [
    "寿光蔬菜产业集团",
    "晨鸣纸业",
    "寿光农产品物流园",
    "巨能控股",
    "鲁丽集团",
    "寿光市人民医院",
    "寿光现代中学",
    "寿光市律师事务所",
    "个体工商户",
    "寿光市工商联",
]


def units() -> tuple[list[str], list[str]]:
    rows = [
        line.split(",")
        for line in (ROOT / "services/registry/src/registry/data/shouguang.csv")
        .read_text(encoding="utf-8")
        .splitlines()[1:]
    ]
    return [r[0] for r in rows if r[2] == "village"], [r[0] for r in rows if r[2] == "town"]


class People:
    """Deterministic people: realistic names, valid and unique Shouguang ID numbers."""

    def __init__(self, seed: int = 2026):
        self.rnd = random.Random(seed)
        self.numbers: set[str] = set()

    def one(self, villages: list[str]) -> dict:
        rnd = self.rnd
        gender = rnd.choice(("male", "female"))
        while True:
            born = dt.date(1950, 1, 1) + dt.timedelta(days=rnd.randrange(0, 365 * 52))
            number = idnumber.make("370783", born, rnd.randrange(100), gender)
            if number not in self.numbers:
                self.numbers.add(number)
                break
        given = rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < 0.7 else "")
        category = rnd.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]
        return {
            "name": rnd.choice(SURNAMES) + given,
            "gender": gender,
            "birth_date": born.isoformat(),
            "id_number": number,
            "unit_code": rnd.choice(villages),
            "categories": [category],
            "employer": rnd.choice(EMPLOYERS),
        }


def registry_workbook(people: list[dict]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("登记表")
    ws.append(["姓名", "性别", "出生日期", "身份证号码", "行政区划代码", "基础库", "工作单位"])
    for p in people:
        ws.append(
            [
                p["name"],
                "男" if p["gender"] == "male" else "女",
                p["birth_date"],
                p["id_number"],
                p["unit_code"],
                ZH_CATEGORY[p["categories"][0]],
                p["employer"],
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def multipart(filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"
