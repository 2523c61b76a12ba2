"""Who may administer which staff account: the rules, with no Flask or Keycloak in them.

A unit administrator (role ``admin``) manages the accounts of their own unit's subtree:
a county admin the county, its towns and communities; a town admin the town and its
communities; never a unit above or beside their own. ``gateway_admin`` (agency keys and
policies for the whole county) only a county-level admin may grant.

The two-person rules must survive one administrator: the guarded roles (``admin`` and the
four-eyes roles ``reviewer`` and ``gateway_admin``) are granted, removed and their holders'
accounts changed only by an admin of a unit STRICTLY above the account's unit. So no admin
touches a peer of their own unit nor makes puppet reviewers beside themselves; at the
highest level the console serves (the county) these roles are given by the Keycloak realm
administrator, in Keycloak's own admin console.

The console acts only on plain staff accounts, judged on EFFECTIVE roles (direct, through
groups, through composites): one holding any client role (realm-management's
``realm-admin``, ``manage-users``...), a realm role other than the staff roles and
Keycloak's defaults, a staff role it was not given directly, or a service account's, is the
realm administrator's. An admin may not change their own account, nor one holding a role
they could not grant, nor re-enable one an admin above them disabled. Every refusal says
why, in Chinese and English.
"""

from __future__ import annotations

import dataclasses
import re

from chassis import units
from chassis.auth import ROLES
from console.api import ApiError

#: The staff roles an administrator grants here: the services' own (``chassis.auth.ROLES``), in their order.
STAFF_ROLES = ROLES
ROLE_ZH = {
    "viewer": "查看", "editor": "编辑", "evaluator": "评价员", "reviewer": "复核员",
    "auditor": "审计员", "admin": "管理员", "gateway_admin": "共享网关管理员",
}  # fmt: skip
COUNTY_AND_ABOVE = {"county", "city", "province"}
#: Only an admin of a unit strictly above the account's unit grants, removes or touches these.
GUARDED_ROLES = frozenset({"admin", "reviewer", "gateway_admin"})
#: Realm roles every account has (``default-roles-tongxin`` and what Keycloak adds), or that
#: come with a staff role (``totp_required`` inside ``admin`` and ``gateway_admin``).
ORDINARY_ROLES = frozenset({"default-roles-tongxin", "offline_access", "uma_authorization", "totp_required"})
REALM_ADMINISTRATOR = ("请联系 Keycloak 领域管理员", "ask the Keycloak realm administrator")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,62}$")
#: Keycloak names a client's service account so (its admin API does not always say it is one).
SERVICE_ACCOUNT = "service-account-"


@dataclasses.dataclass(frozen=True)
class Actor:
    subject: str
    #: The sign-in name (``preferred_username``), which the account holder cannot change.
    username: str
    unit: str
    roles: frozenset[str]


@dataclasses.dataclass(frozen=True)
class Target:
    """An existing account as Keycloak has it."""

    subject: str
    unit: str
    #: Effective realm roles: direct, through groups and composite roles.
    roles: frozenset[str]
    #: The realm roles mapped directly: the only ones the console changes.
    direct_roles: frozenset[str] = frozenset()
    #: Client roles mapped directly or through groups (``client/role``).
    client_roles: frozenset[str] = frozenset()
    service_account: bool = False


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


def strictly_above(actor: Actor, unit: str | None) -> bool:
    """Is ``unit`` in the actor's subtree and not the actor's own unit?"""
    return unit != actor.unit and in_scope(actor, unit)


def check_target(actor: Actor, target: Target) -> None:
    """May ``actor`` change this existing account at all?"""
    require_admin(actor)
    if not in_scope(actor, target.unit):
        raise ScopeRefused("该账号不在您的管辖范围内", "That account is outside your unit's subtree")
    if target.subject == actor.subject:
        raise ScopeRefused(
            "不能修改自己的账号，请联系上级管理员", "You cannot change your own account; ask a higher admin"
        )
    zh, en = REALM_ADMINISTRATOR
    if target.service_account:
        raise ScopeRefused(f"这是服务账号，{zh}", f"That is a service account; {en}")
    if target.client_roles:
        raise ScopeRefused(
            f"该账号持有客户端角色：{'、'.join(sorted(target.client_roles))}，{zh}",
            f"That account holds client roles ({', '.join(sorted(target.client_roles))}); {en}",
        )
    foreign = target.roles - set(STAFF_ROLES) - ORDINARY_ROLES
    if foreign:
        raise ScopeRefused(
            f"该账号持有工作台以外的角色：{'、'.join(sorted(foreign))}，{zh}",
            f"That account holds roles outside the staff roles ({', '.join(sorted(foreign))}); {en}",
        )
    inherited = target.roles & set(STAFF_ROLES) - target.direct_roles
    if inherited:
        raise ScopeRefused(
            f"该账号经用户组或组合角色获得：{'、'.join(sorted(inherited))}，{zh}",
            f"That account has {', '.join(sorted(inherited))} through a group or composite role; {en}",
        )
    staff_roles = target.roles & set(STAFF_ROLES)
    beyond = staff_roles - set(grantable_roles(actor))
    if beyond:
        raise ScopeRefused(
            f"该账号持有您无权授予的角色：{'、'.join(sorted(beyond))}",
            f"That account holds roles you cannot grant: {', '.join(sorted(beyond))}",
        )
    guarded = staff_roles & GUARDED_ROLES
    if guarded and not strictly_above(actor, target.unit):
        raise ScopeRefused(
            f"该账号持有{'、'.join(sorted(guarded))}，只有上级单位的管理员可以修改",
            f"That account holds {', '.join(sorted(guarded))}: only an admin of a higher unit may change it",
        )


def check_enable(actor: Actor, disabled_by_unit: str | None) -> None:
    """May ``actor`` re-enable an account that the admin of ``disabled_by_unit`` disabled
    (``None``: disabled outside the console, by the realm administrator or Keycloak)?"""
    if disabled_by_unit is None:
        zh, en = REALM_ADMINISTRATOR
        raise ScopeRefused(f"该账号不是在工作台停用的，{zh}", f"That account was not disabled in the console; {en}")
    if not in_scope(actor, disabled_by_unit):
        raise ScopeRefused(
            "该账号由上级单位的管理员停用，只有其可以重新启用",
            "An admin of a higher unit disabled that account: only they may re-enable it",
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
    guarded = roles & GUARDED_ROLES
    if guarded and not strictly_above(actor, unit):
        raise ScopeRefused(
            f"{'、'.join(sorted(guarded))} 只能由上级单位的管理员授予（本级由 Keycloak 领域管理员授予）",
            f"Only an admin of a higher unit may grant {', '.join(sorted(guarded))} at unit {unit} "
            "(at your own level: the Keycloak realm administrator)",
            "roles",
        )


def check_username(username: str) -> str:
    if not USERNAME.match(username or "") or username.startswith(SERVICE_ACCOUNT):
        raise InvalidAccount(
            "用户名须为 3–63 位小写字母、数字、点、下划线或连字符，以字母或数字开头，不以 service-account- 开头",
            "User name: 3–63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit, "
            f"not with '{SERVICE_ACCOUNT}'",
            "username",
        )
    return username
