"""Staff bearer tokens (JWT) with roles and an admin-unit scope.

Claims: ``sub`` (user id), ``name``, ``roles`` (e.g. viewer, editor, admin,
evaluator, reviewer, auditor, gateway_admin), ``unit`` (12-digit admin-unit code: the
subtree the user may see), ``aud``, ``iss``, ``exp``. Every read and every action is
checked on the server against the unit subtree (see ``chassis.units``):
``Principal.require_scope`` is the one rule for acting on an object.

``admin`` implies the everyday staff roles within its scope, but not the duties that
must not sit with one person (``SEPARATE_DUTIES``): reviewing and publishing an
evaluation (``reviewer``) and administering the sharing gateway (``gateway_admin``).
A reviewer who scored in a round may not publish it, and agency keys and policies
need a second gateway admin's approval.

    python -m chassis.auth --sub worker1 --roles editor --unit 370783001002
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys

import jwt

from chassis import units
from chassis.errors import Forbidden, Unauthorized
from chassis.settings import BaseSettings, exit_if_unsafe

ALGORITHM = "HS256"
ROLES = ("viewer", "editor", "admin", "evaluator", "reviewer", "auditor", "gateway_admin")
#: Roles ``admin`` does not imply: separation of duties.
SEPARATE_DUTIES = frozenset({"reviewer", "gateway_admin"})


@dataclasses.dataclass(frozen=True)
class Principal:
    subject: str
    name: str
    roles: frozenset[str]
    unit: str

    def has_role(self, *roles: str) -> bool:
        # admin implies every staff role within its scope, except the separated duties
        if any(r in self.roles for r in roles):
            return True
        return "admin" in self.roles and any(r not in SEPARATE_DUTIES for r in roles)

    def require_role(self, *roles: str) -> None:
        if not self.has_role(*roles):
            raise Forbidden(
                f"需要以下角色之一：{'、'.join(roles)}",
                f"Requires one of the roles: {', '.join(roles)}",
                roles=list(roles),
            )

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


class TokenService:
    def __init__(self, secret: str, audience: str, issuer: str, leeway_s: int = 30):
        self.secret, self.audience, self.issuer, self.leeway = secret, audience, issuer, leeway_s

    def issue(
        self, subject: str, roles: list[str], unit: str, name: str = "", ttl: dt.timedelta = dt.timedelta(hours=8)
    ) -> str:
        units.check(unit)
        now = dt.datetime.now(dt.UTC)
        claims = {
            "sub": subject,
            "name": name or subject,
            "roles": list(roles),
            "unit": unit,
            "aud": self.audience,
            "iss": self.issuer,
            "iat": now,
            "exp": now + ttl,
        }
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["sub", "exp", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("令牌已过期", "Token expired") from None
        except jwt.InvalidAudienceError:
            raise Unauthorized("令牌的受众不正确", "Token audience is wrong") from None
        except jwt.PyJWTError as exc:
            raise Unauthorized("令牌无效", f"Invalid token: {exc}") from None
        roles, unit = claims.get("roles"), claims.get("unit")
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise Unauthorized("令牌缺少角色", "Token has no valid roles claim")
        try:
            units.check(unit)
        except units.InvalidUnitCode:
            raise Unauthorized("令牌缺少有效的行政区划范围", "Token has no valid unit claim") from None
        return Principal(str(claims["sub"]), str(claims.get("name") or claims["sub"]), frozenset(roles), unit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mint a staff token for development and tests.")
    parser.add_argument("--sub", required=True)
    parser.add_argument("--roles", required=True, help="comma-separated, e.g. editor,viewer")
    parser.add_argument("--unit", required=True, help="12-digit admin unit code")
    parser.add_argument("--hours", type=float, default=8)
    args = parser.parse_args(argv)
    s = BaseSettings.from_env()
    exit_if_unsafe(s, "admin")  # a token minted with a shipped secret is a token anyone can mint
    tokens = TokenService(s.jwt_secret, s.jwt_audience, s.jwt_issuer)
    print(tokens.issue(args.sub, args.roles.split(","), args.unit, ttl=dt.timedelta(hours=args.hours)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
