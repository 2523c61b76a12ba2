"""Who may administer which staff account: the rules, with no Flask or Keycloak in them.

A unit administrator (role ``admin``) manages the accounts of their own unit's subtree:
a county admin the county, its towns and communities; a town admin the town and its
communities; never a unit above or beside their own. They may grant the roles they
could be given there, ``admin`` included (at their own level at most, since the account's
unit must lie in their subtree); ``gateway_admin`` (agency keys and policies for the whole
county) only a county-level admin may grant. An admin may not change their own account
(no self-promotion, no locking oneself out), nor an account that holds a role they could
not grant. Every refusal says why, in Chinese and English.
"""

from __future__ import annotations

import dataclasses
import re

from chassis import units
from console.api import ApiError

STAFF_ROLES = ("viewer", "editor", "evaluator", "reviewer", "auditor", "admin", "gateway_admin")
ROLE_ZH = {
    "viewer": "查看", "editor": "编辑", "evaluator": "评价员", "reviewer": "复核员",
    "auditor": "审计员", "admin": "管理员", "gateway_admin": "共享网关管理员",
}  # fmt: skip
COUNTY_AND_ABOVE = {"county", "city", "province"}
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,62}$")


@dataclasses.dataclass(frozen=True)
class Actor:
    subject: str
    name: str
    unit: str
    roles: frozenset[str]


class ScopeRefused(ApiError):
    def __init__(self, detail: str, detail_en: str, field: str | None = None):
        super().__init__(403, detail, detail_en, field)


class InvalidAccount(ApiError):
    def __init__(self, detail: str, detail_en: str, field: str):
        super().__init__(422, detail, detail_en, field)


def require_admin(actor: Actor) -> None:
    if "admin" not in actor.roles:
        raise ScopeRefused("只有本单位管理员可以管理账号", "Only a unit administrator may manage staff accounts")


def grantable_roles(actor: Actor) -> tuple[str, ...]:
    county = units.level(actor.unit) in COUNTY_AND_ABOVE
    return tuple(r for r in STAFF_ROLES if r != "gateway_admin" or county)


def in_scope(actor: Actor, unit: str | None) -> bool:
    try:
        return units.in_subtree(actor.unit, unit)
    except units.InvalidUnitCode:
        return False


def check_target(actor: Actor, subject: str, unit: str | None, roles: set[str]) -> None:
    """May ``actor`` change this existing account at all?"""
    require_admin(actor)
    if not in_scope(actor, unit):
        raise ScopeRefused("该账号不在您的管辖范围内", "That account is outside your unit's subtree")
    if subject == actor.subject:
        raise ScopeRefused(
            "不能修改自己的账号，请联系上级管理员", "You cannot change your own account; ask a higher admin"
        )
    beyond = roles & set(STAFF_ROLES) - set(grantable_roles(actor))
    if beyond:
        raise ScopeRefused(
            f"该账号持有您无权授予的角色：{'、'.join(sorted(beyond))}",
            f"That account holds roles you cannot grant: {', '.join(sorted(beyond))}",
        )


def check_grant(actor: Actor, unit: str, roles: set[str]) -> None:
    """May ``actor`` give an account this unit and these roles?"""
    require_admin(actor)
    try:
        units.check(unit)
    except units.InvalidUnitCode:
        raise InvalidAccount(
            "单位须为 12 位统计用区划代码", "The unit must be a 12-digit division code", "unit"
        ) from None
    if not in_scope(actor, unit):
        raise ScopeRefused(
            f"不能为管辖范围以外的单位（{unit}）设置账号", f"Unit {unit} is outside your unit's subtree", "unit"
        )
    unknown = roles - set(STAFF_ROLES)
    if unknown:
        raise InvalidAccount(
            f"未知角色：{'、'.join(sorted(unknown))}", f"Unknown roles: {', '.join(sorted(unknown))}", "roles"
        )
    if not roles:
        raise InvalidAccount("请至少选择一个角色", "Choose at least one role", "roles")
    beyond = roles - set(grantable_roles(actor))
    if beyond:
        raise ScopeRefused(
            f"您无权授予角色：{'、'.join(sorted(beyond))}", f"You cannot grant: {', '.join(sorted(beyond))}", "roles"
        )


def check_username(username: str) -> str:
    if not USERNAME.match(username or ""):
        raise InvalidAccount(
            "用户名须为 3–63 位小写字母、数字、点、下划线或连字符，以字母或数字开头",
            "User name: 3–63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit",
            "username",
        )
    return username
