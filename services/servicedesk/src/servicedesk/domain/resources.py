"""成员资源共享: the rules of a member's offer of expertise or resources, kept pure.

A member opts in to share an offer and chooses how far it reaches: ``unit`` (only the staff who
serve the member: their unit and the units above), ``town`` (also staff anywhere in the member's
town) or ``county`` (anywhere in the county). Staff who serve the member always see the offer
and alone may withdraw it; staff reached only by the sharing see the name masked unless the
member agreed to show it, and no longer see the offer once it is withdrawn. Contact always goes
through staff: an offer holds no phone or ID.
"""

from __future__ import annotations

from chassis import units
from chassis.masking import mask_name

FIELDS = {
    "financing": "融资",
    "legal": "法律",
    "medical": "医疗卫生",
    "education": "教育",
    "agriculture": "农业科技",
    "technology": "科技创新",
    "trade": "商贸物流",
    "employment": "就业用工",
    "culture": "文化",
    "other": "其他",
}
KINDS = {"expertise": "专业特长", "resources": "资源", "funds": "资金", "venue": "场地", "jobs": "岗位"}
VISIBILITIES = {"unit": "本单位", "town": "本镇街", "county": "全县（市）"}
STATES = ("active", "withdrawn")
#: Who asked for the withdrawal: the member (through staff) or staff themselves.
WITHDRAWN_BY = ("member", "staff")
_LEVELS = ("village", "town", "county", "city", "province")


def reach(member_unit: str, visibility: str) -> str | None:
    """The unit whose whole subtree the offer is shared with, beyond the staff who serve the member:
    the member's town or county (a member registered at that level or above: their own unit)."""
    if visibility == "unit":
        return None
    unit = member_unit
    while _LEVELS.index(units.level(unit)) < _LEVELS.index(visibility):
        unit = units.parent(unit) or unit
    return unit


def serves(staff_unit: str, member_unit: str) -> bool:
    """Staff serve a member when the member's unit lies in their subtree."""
    return units.in_subtree(staff_unit, member_unit)


def visible(staff_unit: str, member_unit: str, visibility: str, state: str = "active") -> bool:
    """Staff who serve the member see the offer; others only while it is active and shared with
    them (a withdrawn offer is a withdrawn consent: it stays with the member's units)."""
    if state != "active":
        return serves(staff_unit, member_unit)
    shared_with = reach(member_unit, visibility)
    return serves(staff_unit, member_unit) or (shared_with is not None and units.in_subtree(shared_with, staff_unit))


def shown_name(staff_unit: str, member_unit: str, name: str, show_name: bool) -> str:
    """The member's name as these staff may see it: whole for those who serve the member or when
    the member agreed, else masked (王*明)."""
    return name if show_name or serves(staff_unit, member_unit) else mask_name(name)
