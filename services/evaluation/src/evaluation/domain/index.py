"""The evaluation index (评价指标体系): categories and items with weights, versioned.

The default template has the 6 categories and 20 items of the department's index:
political quality, ability, work performance, participation in consultation and
deliberation, social contribution, and integrity and conduct.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from chassis.errors import InvalidInput

ONE = Decimal("1")


@dataclasses.dataclass(frozen=True)
class Item:
    code: str
    name: str
    weight: Decimal  # within its category; a category's item weights add up to 1
    max_score: int = 10


@dataclasses.dataclass(frozen=True)
class Category:
    code: str
    name: str
    weight: Decimal  # within the index; the category weights add up to 1
    items: tuple[Item, ...]


@dataclasses.dataclass(frozen=True)
class IndexTemplate:
    code: str
    version: int
    name: str
    categories: tuple[Category, ...]

    def __post_init__(self) -> None:
        problems = []
        if sum(c.weight for c in self.categories) != ONE:
            problems.append(("类别权重之和必须为 1", "category weights must add up to 1"))
        for c in self.categories:
            if not c.items:
                problems.append((f"类别 {c.name} 没有指标", f"category {c.code} has no items"))
            elif sum(i.weight for i in c.items) != ONE:
                problems.append((f"类别 {c.name} 的指标权重之和必须为 1", f"item weights of {c.code} must add up to 1"))
            for i in c.items:
                if i.max_score <= 0 or i.weight <= 0:
                    problems.append(
                        (f"指标 {i.name} 的权重和满分须为正数", f"item {i.code} needs a positive weight and maximum")
                    )
        codes = [i.code for i in self.items()]
        if len(codes) != len(set(codes)):
            problems.append(("指标代码重复", "item codes repeat"))
        if problems:
            raise InvalidInput("；".join(p[0] for p in problems), "; ".join(p[1] for p in problems), field="categories")

    def items(self) -> list[Item]:
        return [i for c in self.categories for i in c.items]

    def item(self, code: str) -> Item:
        for i in self.items():
            if i.code == code:
                return i
        raise KeyError(code)


def _category(code: str, name: str, weight: str, items: list[tuple[str, str]]) -> Category:
    n = len(items)
    each = (ONE / n).quantize(Decimal("0.0001"))
    weights = [each] * (n - 1) + [ONE - each * (n - 1)]
    return Category(
        code, name, Decimal(weight), tuple(Item(c, nm, w) for (c, nm), w in zip(items, weights, strict=True))
    )


DEFAULT = IndexTemplate(
    code="default",
    version=1,
    name="党外代表人士综合评价指标（6类20项）",
    categories=(
        _category(
            "political",
            "政治素质",
            "0.25",
            [
                ("political_stance", "政治立场坚定，拥护党的领导"),
                ("policy_understanding", "学习和理解党的方针政策"),
                ("cooperation", "坚持多党合作，与党同心同德"),
                ("united_front_awareness", "统战意识和大局观念"),
            ],
        ),
        _category(
            "ability",
            "履职能力",
            "0.15",
            [
                ("professional_competence", "专业素养和业务水平"),
                ("research_ability", "调查研究能力"),
                ("organisation", "组织协调能力"),
            ],
        ),
        _category(
            "performance",
            "工作实绩",
            "0.20",
            [
                ("duty_performance", "本职工作业绩"),
                ("innovation", "创新创业与突出贡献"),
                ("honours", "获得表彰奖励"),
            ],
        ),
        _category(
            "consultation",
            "参政议政",
            "0.15",
            [
                ("proposals", "提案、议案、建议的数量和质量"),
                ("meeting_attendance", "参加会议和协商活动"),
                ("democratic_oversight", "民主监督作用发挥"),
                ("public_opinion", "反映社情民意"),
            ],
        ),
        _category(
            "contribution",
            "社会贡献",
            "0.15",
            [
                ("public_welfare", "参与光彩事业和公益慈善"),
                ("volunteer_service", "参加志愿服务和社会服务"),
                ("community_service", "服务群众、服务基层"),
            ],
        ),
        _category(
            "integrity",
            "廉洁自律",
            "0.10",
            [
                ("law_abiding", "遵纪守法"),
                ("integrity_conduct", "廉洁自律、作风正派"),
                ("social_reputation", "社会形象和群众口碑"),
            ],
        ),
    ),
)
