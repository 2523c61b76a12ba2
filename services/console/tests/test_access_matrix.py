"""The console's authorization matrix (``console.access``): every route of the app has its entry and
no entry names a route that is gone; a route added without one is refused to every signed-in user;
a role-reserved route is refused with a readable page before any API is called."""

from __future__ import annotations

from console import access

from chassis.auth import holds
from tests.support.keycloak_pages import console_sign_in


def test_every_route_of_the_console_is_in_the_matrix_and_nothing_else_is(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(access.ACCESS) == set(), "routes without an entry in console.access.ACCESS"
    assert set(access.ACCESS) - endpoints == set(), "entries for routes that no longer exist"


def test_a_route_missing_from_the_matrix_is_refused(make_app, staff):
    app = make_app()
    app.add_url_rule("/unlisted", "unlisted", lambda: "reached")
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    assert console_sign_in(client, *staff("admin", unit="370783001000")).status_code == 302
    r = client.get("/unlisted")
    assert r.status_code == 403 and "reached" not in r.get_data(as_text=True)
    assert "未登记访问权限" in r.get_data(as_text=True)


def test_roles_are_read_as_the_services_read_them():
    assert holds({"admin"}, "editor")  # admin implies the staff roles
    assert not holds({"admin"}, "reviewer")  # but not the separated duties
    assert not holds({"viewer"}, "editor")
    assert access.refusal("pages.supervision_acknowledge", {"viewer"}).status == 403
    assert access.refusal("pages.supervision_acknowledge", {"editor"}) is None
    assert access.refusal("pages.supervision", {"viewer"}) is None
    assert access.refusal("pages.supervision", {"auditor"}) is None  # any staff role reads


def test_an_account_holding_no_staff_role_opens_no_staff_page_and_may_sign_out():
    """An account whose staff roles were all withdrawn opened every page open to "any staff" (review
    23): a page that calls a staff API needs one of the staff roles; signing out needs none."""
    staff_pages = [e for e, rule in access.ACCESS.items() if rule == access.STAFF]
    assert "pages.supervision" in staff_pages and "pages.dashboard" in staff_pages
    for endpoint in staff_pages:
        assert access.refusal(endpoint, set()).status == 403, endpoint
        assert access.refusal(endpoint, {"offline_access"}).status == 403, endpoint  # not a staff role
    assert access.refusal("logout", set()) is None
    assert access.refusal(None, set()) is None  # no such URL: answered 404 as before
