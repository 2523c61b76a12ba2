"""Who a staff request acts as: a ``Principal`` with roles and an admin-unit scope.

A principal comes from a verified access token of the identity provider (Keycloak,
``chassis.oidc``): ``sub`` (user id), ``name``, the realm roles (viewer, editor, admin,
evaluator, reviewer, auditor, gateway_admin) and ``unit`` (12-digit admin-unit code: the
subtree the user may see). No service can mint a token. Every read and every action is
checked on the server against the unit subtree (see ``chassis.units``):
``Principal.require_scope`` is the one rule for acting on an object.

``admin`` implies the everyday staff roles within its scope, but not the duties that
must not sit with one person (``SEPARATE_DUTIES``): reviewing and publishing an
evaluation (``reviewer``) and administering the sharing gateway (``gateway_admin``).
A reviewer who scored in a round may not publish it, and agency keys and policies
need a second gateway admin's approval.

Members (the registry's people, studying or asking through the portal) sign in to the same
identity provider: a member's token holds the ``member`` role and a ``person_id`` claim, the
registry id of the person it speaks for. ``member`` is not a staff role (not in ``ROLES``, never
implied by ``admin``): a member acts only on their own records (``require_member``, which refuses a
token that also holds a staff role), and the HTTP layer lets a token holding no staff role reach
only views marked ``member_facing``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from chassis import units
from chassis.errors import Forbidden

#: The staff roles, in the order staff forms list them (least to most trusted, the separated duties last).
ROLES = ("viewer", "editor", "evaluator", "reviewer", "auditor", "admin", "gateway_admin")
#: Roles ``admin`` does not imply: separation of duties.
SEPARATE_DUTIES = frozenset({"reviewer", "gateway_admin"})
#: A member of the united front (not staff): acts only as the person of its ``person_id`` claim.
MEMBER = "member"


def holds(held: Collection[str], *wanted: str) -> bool:
    """Whether roles ``held`` grant one of ``wanted``: ``admin`` implies every staff role within its
    scope, except the separated duties. The one reading of roles, for a token's principal and the
    console's signed-in staff alike."""
    if any(r in held for r in wanted):
        return True
    return "admin" in held and any(r in ROLES and r not in SEPARATE_DUTIES for r in wanted)


@dataclasses.dataclass(frozen=True)
class Principal:
    subject: str
    name: str
    roles: frozenset[str]
    unit: str
    #: The registry person a member's token speaks for (its ``person_id`` claim); None for staff.
    person_id: str | None = None

    def has_role(self, *roles: str) -> bool:
        return holds(self.roles, *roles)

    def require_role(self, *roles: str) -> None:
        if not self.has_role(*roles):
            raise Forbidden(
                f"需要以下角色之一：{'、'.join(roles)}",
                f"Requires one of the roles: {', '.join(roles)}",
                roles=list(roles),
            )

    @property
    def is_staff(self) -> bool:
        return any(r in ROLES for r in self.roles)

    def require_member(self) -> str:
        """The person id of a member's token; 403 for any other caller, a token that also holds a staff
        role included: staff who are members sign in as members apart, so no one token both reads a
        quiz's right answers on the staff views and answers it as a member."""
        if MEMBER not in self.roles or not self.person_id or self.is_staff:
            raise Forbidden(
                "需要成员身份登录（不含工作人员角色）",
                "Requires a member's sign-in (role member with a person_id claim, and no staff role)",
            )
        return self.person_id

    def sees(self, unit_code: str) -> bool:
        """True if ``unit_code`` lies in this user's subtree; a malformed code lies in nobody's."""
        try:
            return units.in_subtree(self.unit, unit_code)
        except units.InvalidUnitCode:
            return False

    def require_scope(self, unit_code: str) -> None:
        """Refuse an action on an object whose unit lies outside this user's subtree.

        For objects the caller may read but not act on (a round of a unit above them, say);
        the answer names neither the object nor its unit."""
        if not self.sees(unit_code):
            raise Forbidden(
                "该对象不属于您的管辖范围，不能执行此操作",
                "The object is outside your admin-unit scope; you cannot act on it",
            )

    def require_department_wide(self) -> None:
        """Refuse a change to settings that hold for every unit (request categories, index templates)
        unless the user works at county level or above: a town must not change the county's rules."""
        if units.level(self.unit) not in ("county", "city", "province"):
            raise Forbidden(
                "只有县级及以上可以修改全局设置", "Only county-level staff or above may change department-wide settings"
            )

    @property
    def scope_prefix(self) -> str:
        return units.scope_prefix(self.unit)
