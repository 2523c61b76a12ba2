"""What every console page shares: the one ``pages`` blueprint they register on (so their
endpoints are ``pages.<name>`` wherever they are written), the signed-in user's API clients and
roles, and the Chinese names templates show for categories and request states."""

from __future__ import annotations

from flask import Blueprint, current_app, g

from chassis.auth import holds
from console.api import Api

blp = Blueprint("pages", __name__)
CATEGORY_ZH = {
    "non_party_representative": "党外代表人士", "non_public_economy": "非公有制经济代表人士",
    "democratic_party_member": "民主党派成员", "non_party_figure": "无党派人士",
    "non_party_intellectual": "党外知识分子",
    "ethnic_minority": "少数民族人士", "religious_figure": "宗教界人士", "new_social_strata": "新的社会阶层人士",
    "overseas_returnee": "出国和归国留学人员", "hmt_overseas_chinese": "港澳台侨",
}  # fmt: skip
STATE_ZH = {"submitted": "已提交", "accepted": "已受理", "in_progress": "办理中", "waiting": "等待中（暂停计时）",
            "resolved": "已办结", "closed": "已关闭", "rejected": "不予受理", "reopened": "重新办理"}  # fmt: skip
TOKEN_SHEET_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'none'"
)
EDITABLE = ("name", "employer", "position", "phone", "address", "education", "political_affiliation", "notes")


def api(name: str) -> Api:
    return current_app.extensions["console.api"](name)


def roles() -> set[str]:
    return set((g.user or {}).get("roles", []))


@blp.app_context_processor
def helpers():
    return {"CATEGORY_ZH": CATEGORY_ZH, "STATE_ZH": STATE_ZH, "user": g.get("user"), "roles": roles,
            "may": lambda *wanted: holds(roles(), *wanted)}  # fmt: skip
