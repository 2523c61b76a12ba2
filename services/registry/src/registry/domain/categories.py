"""The 10 base databases (十大基础工作信息库) a person can be filed in, several at once."""

from __future__ import annotations

from chassis import sensitive

#: code -> Chinese name. Codes are stable identifiers used in events and files.
BASE_DATABASES: dict[str, str] = {
    "non_party_representative": "党外代表人士",
    "non_public_economy": "非公有制经济代表人士",
    "democratic_party_member": "民主党派成员",
    "non_party_figure": "无党派人士",
    "non_party_intellectual": "党外知识分子",
    "ethnic_minority": "少数民族人士",
    "religious_figure": "宗教界人士",
    "new_social_strata": "新的社会阶层人士",
    "overseas_returnee": "出国和归国留学人员",
    "hmt_overseas_chinese": "港澳台侨",
}

#: Memberships that reveal sensitive personal information (ethnicity, religion) by
#: themselves: never in events, never shown below the reveal right (``chassis.sensitive``).
SENSITIVE_CATEGORIES = sensitive.SENSITIVE_CATEGORIES

_BY_NAME = {name: code for code, name in BASE_DATABASES.items()}


def code_for(value: str) -> str | None:
    """Accept a code or its Chinese name (as spreadsheets carry it)."""
    value = (value or "").strip()
    if value in BASE_DATABASES:
        return value
    return _BY_NAME.get(value)


#: Representative bodies (代表人士 roles) and levels.
REPRESENTATIVE_BODIES: dict[str, str] = {
    "npc": "人大代表",
    "cppcc": "政协委员",
    "chamber": "工商联（商会）职务",
    "democratic_party": "民主党派职务",
    "other": "其他",
}
LEVELS: dict[str, str] = {"national": "全国", "province": "省级", "city": "市级", "county": "县级", "town": "乡镇级"}
