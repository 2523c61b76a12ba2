"""Staff administration pages: unit administrators list, create, disable and re-enable
accounts, reset their passwords and set their unit and roles, within their own subtree.

Every view derives the acting administrator from their current access token (re-verified
against the issuer's keys, so a role taken away counts within five minutes), reads the
account's effective roles from Keycloak, checks the request against ``staff_scope`` on the
server, records its intent, only then calls Keycloak, and records the outcome (or the
refusal) in the staff audit log. Accounts outside the subtree are answered as not found,
so their existence is not revealed; a user name taken anywhere is "not available".
Pages that show a temporary password are never cached.
"""

from __future__ import annotations

import itertools
import re
import secrets
import string

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for

from chassis.errors import AppError
from console import audit
from console.api import ApiError
from console.staff_scope import (
    ROLE_ZH,
    SERVICE_ACCOUNT,
    STAFF_ROLES,
    Actor,
    ScopeRefused,
    Target,
    check_enable,
    check_grant,
    check_target,
    check_username,
    grantable_roles,
    in_scope,
    require_admin,
)

blp = Blueprint("staff", __name__, url_prefix="/staff")
PAGE_SIZE = 20
KEYCLOAK_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
NOT_FOUND = ApiError(404, "没有这个账号，或不在您的管辖范围内", "No such account in your unit's subtree")


def _ext(name: str):
    return current_app.extensions[name]


@blp.before_request
def acting_admin():
    try:
        principal = _ext("console.verifier").verify(g.token)
    except AppError:  # the session's token no longer verifies: sign in again
        raise ApiError(401, "登录已失效，请重新登录", "Your sign-in is no longer valid; sign in again") from None
    username = (g.user or {}).get("username") or principal.subject
    g.actor = Actor(principal.subject, username, principal.unit, principal.roles)
    require_admin(g.actor)


@blp.errorhandler(ScopeRefused)
def refused(err: ScopeRefused):
    return render_template("error.html", error=err), 403


@blp.app_context_processor
def words():
    return {"ROLE_ZH": ROLE_ZH}


def _unit(user: dict) -> str:
    return ((user.get("attributes") or {}).get("unit") or [""])[0]


def _account(user_id: str, action: str) -> tuple[dict, Target]:
    """The account if it lies in the actor's subtree, and what Keycloak says it holds; else 404,
    the attempt recorded under the id the actor sent (not the account's name or unit)."""
    user = _ext("console.keycloak").user(user_id) if KEYCLOAK_ID.match(user_id) else None
    if user is None or not in_scope(g.actor, _unit(user)):
        known = bool(KEYCLOAK_ID.match(user_id))
        _record(action, user_id if known else "(not an account id)", "", "refused",
                target_id=user_id if known else "", reason="not found or outside the subtree")  # fmt: skip
        raise NOT_FOUND
    admin = _ext("console.keycloak")
    target = Target(
        subject=user["id"],
        unit=_unit(user),
        roles=frozenset(admin.realm_roles(user_id)),
        direct_roles=frozenset(admin.direct_realm_roles(user_id)),
        client_roles=frozenset(admin.client_roles(user_id)),
        service_account=bool(user.get("serviceAccountClientId")) or user["username"].startswith(SERVICE_ACCOUNT),
    )
    return user, target


def _record(action: str, target: str, unit: str, outcome: str, **detail) -> None:
    audit.record(_ext("console.db"), g.actor, action, target, unit, outcome, **detail)


def _change(action: str, target: str, unit: str, **detail):
    return audit.change(_ext("console.db"), g.actor, action, target, unit, **detail)


def _password_page(username: str, password: str, user_id: str, status: int = 200):
    page = current_app.make_response(
        (render_template("staff_password.html", username=username, password=password, user_id=user_id), status)
    )
    page.headers["Cache-Control"] = "no-store"  # the temporary password is shown once
    return page


def _temporary_password() -> str:
    """Meets the realm's policy (12+, upper, lower, digit); the user must replace it at sign-in."""
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(16))
        if (
            any(c.isupper() for c in candidate)
            and any(c.islower() for c in candidate)
            and any(c.isdigit() for c in candidate)
        ):
            return candidate


@blp.route("")
def accounts():
    q = (request.args.get("q") or "").strip()[:100]
    page = max(request.args.get("page", 1, type=int), 1)
    mine = (u for u in _ext("console.keycloak").users(search=q) if in_scope(g.actor, _unit(u)))
    shown = list(itertools.islice(mine, (page - 1) * PAGE_SIZE, page * PAGE_SIZE + 1))  # stops reading there
    more, shown = len(shown) > PAGE_SIZE, shown[:PAGE_SIZE]
    for user in shown:
        user["roles"] = sorted(_ext("console.keycloak").realm_roles(user["id"]) & set(STAFF_ROLES))
    return render_template("staff.html", accounts=shown, q=q, page=page, more=more)


@blp.route("/new", methods=["GET", "POST"])
def create():
    form = request.form
    if request.method == "GET":
        return render_template("staff_form.html", account=None, grantable=grantable_roles(g.actor), form={})
    username = (form.get("username") or "").strip().lower()
    unit, roles = (form.get("unit") or "").strip(), set(form.getlist("roles"))
    try:
        check_username(username)
        check_grant(g.actor, unit, roles)
    except ScopeRefused as err:
        _record("create", username, unit, "refused", roles=sorted(roles), reason=err.detail_en)
        raise
    except ApiError as err:
        return render_template(
            "staff_form.html", account=None, grantable=grantable_roles(g.actor), form=form, error=err
        ), err.status
    password = _temporary_password()
    first, last = (form.get("first_name") or "").strip()[:100], (form.get("last_name") or "").strip()[:100]
    admin = _ext("console.keycloak")
    try:
        with _change("create", username, unit, roles=sorted(roles)):
            user_id = admin.create(username, first or username, last, unit, password)
            admin.set_roles(user_id, roles, set(grantable_roles(g.actor)))
    except ApiError as err:
        return render_template(
            "staff_form.html", account=None, grantable=grantable_roles(g.actor), form=form, error=err
        ), err.status
    return _password_page(username, password, user_id, 201)


@blp.route("/<user_id>", methods=["GET", "POST"])
def account(user_id: str):
    user, target = _account(user_id, "update" if request.method == "POST" else "view")
    error = None
    if request.method == "POST":
        unit, wanted = (request.form.get("unit") or "").strip(), set(request.form.getlist("roles"))
        try:
            check_target(g.actor, target)
            check_grant(g.actor, unit, wanted)
        except ScopeRefused as err:
            _record("update", user["username"], unit or target.unit, "refused", target_id=user_id,
                    roles=sorted(wanted), reason=err.detail_en)  # fmt: skip
            raise
        except ApiError as err:
            error = err
        else:
            admin = _ext("console.keycloak")
            with _change("update", user["username"], unit, target_id=user_id, unit_before=target.unit,
                         roles_before=sorted(target.roles & set(STAFF_ROLES)), roles=sorted(wanted)):  # fmt: skip
                if unit != target.unit:
                    admin.update(user, unit=unit)
                admin.set_roles(user_id, wanted, set(grantable_roles(g.actor)))
            return redirect(url_for("staff.account", user_id=user_id))
    return render_template(
        "staff_form.html",
        account=user,
        unit=target.unit,
        account_roles=target.roles,
        grantable=grantable_roles(g.actor),
        form=request.form,
        error=error,
    ), 422 if error else 200


@blp.route("/<user_id>/enabled", methods=["POST"])
def set_enabled(user_id: str):
    enable = request.form.get("enabled") == "true"
    action = "enable" if enable else "disable"
    user, target = _account(user_id, action)
    try:
        check_target(g.actor, target)
        if enable and not user.get("enabled"):
            check_enable(g.actor, audit.disabled_by_unit(_ext("console.db"), user_id))
    except ScopeRefused as err:
        _record(action, user["username"], target.unit, "refused", target_id=user_id, reason=err.detail_en)
        raise
    admin = _ext("console.keycloak")
    with _change(action, user["username"], target.unit, target_id=user_id):
        admin.update(user, enabled=enable)
        if not enable:
            admin.end_sessions(user_id)  # a disabled account's open sessions end now, not at expiry
    return redirect(url_for("staff.account", user_id=user_id))


@blp.route("/<user_id>/password", methods=["POST"])
def reset_password(user_id: str):
    user, target = _account(user_id, "reset-password")
    try:
        check_target(g.actor, target)
    except ScopeRefused as err:
        _record("reset-password", user["username"], target.unit, "refused", target_id=user_id, reason=err.detail_en)
        raise
    password = _temporary_password()
    with _change("reset-password", user["username"], target.unit, target_id=user_id, temporary=True):
        _ext("console.keycloak").reset_password(user_id, password)
    return _password_page(user["username"], password, user_id)


@blp.route("/audit")
def audit_log():
    page = max(request.args.get("page", 1, type=int), 1)
    entries, more = audit.page(_ext("console.db"), g.actor, page)
    return render_template("staff_audit.html", entries=entries, page=page, more=more)
