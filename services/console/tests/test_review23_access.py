"""Review 23 (issue 20), the supervision pages' doors, as an attacker would try them: an account that
holds no staff role at all, and an alert id that is not one. Each test fails while its finding stands.

They run against a real supervision API and registry on SQLite and the session's Keycloak, as the
console's own supervision tests do (``supervision_support``)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from services.console.tests.supervision_support import MONTH, TOWN_A, serve_services, table
from supervision.adapters.tables import alert_acknowledgements
from tests.support.keycloak_pages import console_sign_in


@pytest.fixture(scope="module")
def services(oidc, tmp_path_factory):
    with serve_services(oidc, tmp_path_factory.mktemp("review23-access")) as running:
        yield running


@pytest.fixture
def console_as(make_app, services, staff):
    _, sv_url, reg_url = services
    app = make_app(supervision_url=sv_url, registry_url=reg_url)

    def sign_in(*roles: str, unit: str = TOWN_A):
        client = app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"
        assert console_sign_in(client, *staff(*roles, unit=unit)).status_code == 302
        return client

    return sign_in


def test_an_account_with_no_staff_role_reads_no_supervision(console_as):
    """The supervision API says "any staff role may read", but nothing checks a role on its reads, and
    the console's matrix lets in any signed-in account (``STAFF``). An account whose staff roles were
    all taken away (the usual way to withdraw someone's access and keep the account) still reads its
    town's figures, ranking, drill-down and alerts with their person ids; the registry refuses it."""
    roleless = console_as()  # an account of 圣城街道 holding none of the staff roles
    for path in ("/supervision", "/supervision/print", "/supervision/report.xlsx"):
        r = roleless.get(path, query_string={"month": MONTH})
        assert r.status_code == 403, (path, r.status_code)
    r = roleless.get("/supervision/events", query_string={"month": MONTH, "indicator": "people_on_record"})
    assert r.status_code == 403 and "a1" not in r.get_data(as_text=True)


def acknowledgements(sv) -> int:
    with sv.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(alert_acknowledgements)).scalar_one()


def test_an_alert_id_is_one_path_segment_and_cannot_climb(console_as, services):
    """``segment()`` promises "``../`` cannot climb", but ``quote(value, safe="")`` leaves ``..`` as it is
    and requests (urllib3) removes dot segments: ``/supervision/alerts/%2E%2E/acknowledge`` makes the
    console POST the editor's note to ``{SUPERVISION_URL}/acknowledge``, outside ``/alerts/``. It must be
    answered as any id that is no alert: "no such alert", without a call elsewhere."""
    sv = services[0]
    editor = console_as("editor")
    html = editor.get("/supervision", query_string={"month": MONTH}).get_data(as_text=True)
    assert table(html, "alert-list")[1:], "the fixture's town has an open alert"
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)[1]
    before = acknowledgements(sv)
    form = {"note": "越界", "csrf_token": token, "month": MONTH, "unit": TOWN_A}
    for climbing in ("%2E%2E", ".."):
        r = editor.post(f"/supervision/alerts/{climbing}/acknowledge", data=form, follow_redirects=True)
        text = r.get_data(as_text=True)
        assert "没有该预警" in text, (climbing, r.status_code, re.findall(r'class="flash[^>]*>([^<]*)', text))
    assert acknowledgements(sv) == before
