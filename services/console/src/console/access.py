"""The console's authorization matrix: who may open each of its routes.

The console shows what the services' APIs allow the signed-in user and no more, and the APIs
check role and unit again on every call. This matrix is the console's own first door: a route
is public (sign-in, the public rating form, static files), open to any signed-in account (signing
out), open to any staff member, one who holds a staff role (``chassis.auth.ROLES``: every page that
calls a service's staff API; the API then answers by role and unit subtree), or reserved to roles,
refused here with a readable page before any API is called. An account whose staff roles were all
withdrawn (the usual way to end someone's access and keep the account) opens no page. A route
missing from the matrix is refused (403) and fails ``tests/test_access_matrix.py``, so no new page
can skip it.
"""

from __future__ import annotations

from chassis.auth import ROLES, holds
from console.api import ApiError

PUBLIC = "public"
#: Any signed-in account, whatever its roles (signing out).
SIGNED_IN = "signed_in"
#: Any staff member: one of the staff roles (``chassis.auth.ROLES``); the API decides by role and unit.
STAFF = "staff"

ACCESS: dict[str, str | tuple[str, ...]] = {
    # the console's own doors
    "login": PUBLIC, "auth_callback": PUBLIC, "language": PUBLIC, "health": PUBLIC, "static": PUBLIC,
    "echarts": PUBLIC, "logout": SIGNED_IN,
    # registry and evaluation (pages.py)
    "pages.dashboard": STAFF, "pages.people": STAFF, "pages.person": STAFF, "pages.edit_person": STAFF,
    "pages.imports": STAFF, "pages.import_job": STAFF, "pages.import_status": STAFF, "pages.rounds": STAFF,
    "pages.round_page": STAFF, "pages.token_sheet": STAFF, "pages.rate": PUBLIC,
    # service desk and gateway (desk_pages.py)
    "pages.requests_queue": STAFF, "pages.request_page": STAFF, "pages.suggestions": STAFF,
    "pages.community": STAFF, "pages.gateway": STAFF,
    # supervision (supervision_pages.py): reading is for any staff role within its subtree, as the
    # supervision API rules (an account with none reads nothing); acknowledging is an editor's act
    "pages.supervision": STAFF, "pages.supervision_print": STAFF, "pages.supervision_report": STAFF,
    "pages.supervision_events": STAFF, "pages.supervision_acknowledge": ("editor",),
    # staff administration (staff.py, which also checks the administrator's unit and roles itself)
    "staff.accounts": ("admin",), "staff.create": ("admin",), "staff.account": ("admin",),
    "staff.set_enabled": ("admin",), "staff.reset_password": ("admin",), "staff.audit_log": ("admin",),
}  # fmt: skip

NOT_LISTED = ApiError(403, "该页面未登记访问权限，已拒绝", "This page has no entry in the access matrix; refused")
NO_STAFF_ROLE = ApiError(
    403, "您的账号没有任何工作人员角色，请联系管理员", "Your account holds no staff role; ask an administrator"
)


def is_public(endpoint: str | None) -> bool:
    return ACCESS.get(endpoint or "") == PUBLIC


def refusal(endpoint: str | None, held: set[str]) -> ApiError | None:
    """Why a signed-in user may not open ``endpoint``, or None. An unknown URL (no endpoint) is
    left to answer 404."""
    if endpoint is None:
        return None
    rule = ACCESS.get(endpoint)
    if rule is None:
        return NOT_LISTED
    if rule in (PUBLIC, SIGNED_IN) or holds(held, *(ROLES if rule == STAFF else rule)):
        return None
    if rule == STAFF:
        return NO_STAFF_ROLE
    return ApiError(
        403,
        f"需要以下角色之一：{'、'.join(rule)}（管理员亦可）",
        f"Requires one of the roles: {', '.join(rule)} (or admin)",
    )
