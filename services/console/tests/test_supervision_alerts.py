"""The supervision page's alerts (督查预警) against a real supervision API and registry, signed in through
the session's Keycloak: an alert is acknowledged by an editor of its unit only, with a note, and an
alert id cannot climb out of its path; alerts read in Beijing time; a community's unhandled
violation notice is its town's alert, told by name to evaluators only. The pages' figures, ranking
and reports are in ``test_supervision_pages``."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from console import supervision_board

from services.console.tests.supervision_support import (
    HOME_A,
    MONTH,
    TOWN_A,
    TOWN_B,
    overdue_suggestion,
    page,
    serve_services,
    table,
)
from services.supervision.tests.conftest import NOW
from services.supervision.tests.events import notice
from supervision.adapters.tables import alert_acknowledgements
from supervision.service_layer import alerting, view
from tests.support.keycloak_pages import console_sign_in


def acknowledgements(sv) -> list[tuple[str, str]]:
    with sv.engine.connect() as conn:
        query = sa.select(alert_acknowledgements.c.by_unit, alert_acknowledgements.c.note)
        return [tuple(r) for r in conn.execute(query)]


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def test_an_editor_acknowledges_an_alert_with_a_note_and_a_viewer_cannot(console_as, supervision_services):
    sv = supervision_services[0]
    viewer = console_as("viewer", unit=TOWN_A)
    html = page(viewer, "/supervision", month=MONTH)
    alert_id = overdue_suggestion(html)
    assert 'class="ack"' not in html  # no form for a viewer
    before = acknowledgements(sv)
    r = viewer.post(f"/supervision/alerts/{alert_id}/acknowledge", data={"note": "我来", "csrf_token": csrf(html)})
    assert r.status_code == 403 and "需要以下角色之一：editor" in r.get_data(as_text=True)

    editor = console_as("editor", unit=TOWN_A)
    html = page(editor, "/supervision", month=MONTH)
    token = csrf(html)
    r = editor.post(f"/supervision/alerts/{alert_id}/acknowledge", data={"note": " ", "csrf_token": token,
                                                                        "month": MONTH, "unit": TOWN_A})  # fmt: skip
    assert "请填写处理说明" in page(editor, r.headers["Location"].split("#")[0])
    assert acknowledgements(sv) == before
    r = editor.post(f"/supervision/alerts/{alert_id}/acknowledge",
                    data={"note": "已转交承办部门", "csrf_token": token, "month": MONTH, "unit": TOWN_A})  # fmt: skip
    assert r.status_code == 302 and r.headers["Location"] == f"/supervision?month={MONTH}&unit={TOWN_A}#alerts"
    after = page(editor, f"/supervision?month={MONTH}&unit={TOWN_A}")
    assert "已签收" in after and "已转交承办部门" in after
    assert acknowledgements(sv) == [*before, (TOWN_A, "已转交承办部门")]


def test_another_towns_editor_cannot_acknowledge_it(console_as, supervision_services):
    sv = supervision_services[0]
    alert_id = overdue_suggestion(page(console_as("viewer"), "/supervision", month=MONTH, unit=TOWN_A))
    other = console_as("editor", unit=TOWN_B)
    html = page(other, "/supervision", month=MONTH)
    before = acknowledgements(sv)
    r = other.post(f"/supervision/alerts/{alert_id}/acknowledge", data={"note": "越权", "csrf_token": csrf(html)})
    assert r.status_code == 302
    shown = page(other, r.headers["Location"].split("#")[0])
    assert "越权" not in shown and "您的管辖范围内没有该预警" in shown
    assert acknowledgements(sv) == before


def test_an_alert_id_is_one_path_segment_and_cannot_climb(console_as, supervision_services):
    """``/supervision/alerts/%2E%2E/acknowledge`` made the console POST the editor's note to
    ``{SUPERVISION_URL}/acknowledge`` (``quote`` leaves ``..``, the HTTP client removes dot segments;
    review 23). An id that is no UUID is no alert, answered so without a call."""
    sv = supervision_services[0]
    editor = console_as("editor", unit=TOWN_A)
    html = page(editor, "/supervision", month=MONTH)
    before = acknowledgements(sv)
    form = {"note": "越界", "csrf_token": csrf(html), "month": MONTH, "unit": TOWN_A}
    for climbing in ("%2E%2E", "..", ".", "not-an-alert"):
        r = editor.post(f"/supervision/alerts/{climbing}/acknowledge", data=form, follow_redirects=True)
        assert "您的管辖范围内没有该预警" in r.get_data(as_text=True), climbing
    assert acknowledgements(sv) == before
    for dots in (".", ".."):
        with pytest.raises(Exception, match="No such object"):
            supervision_board.segment(dots)


def test_alert_times_are_beijing_times_a_person_reads(console_as):
    """Raised at 2026-11-20T02:00:00+00:00 was shown as the API sent it (UTC, ISO 8601; review 23)."""
    html = page(console_as("viewer", unit=TOWN_A), "/supervision", month=MONTH)
    header, *rows = table(html, "alert-list")
    raised = header["cells"].index("发出时间 / Raised")
    assert "详情 / Detail" in header["cells"]
    assert rows and all(r["cells"][raised] == "2026-11-20 10:00" for r in rows), [r["cells"][raised] for r in rows]


@pytest.fixture(scope="module")
def services_with_a_notice(oidc, tmp_path_factory):
    """October as ``services``, and a court's notice on 东关社区's a1, unhandled past its 15 days."""
    with serve_services(oidc, tmp_path_factory.mktemp("supervision-notice")) as running:
        sv = running[0]
        view.record_fact(sv.uow, notice("n1", "da1".ljust(64, "0")))
        alerting.evaluate(sv.uow, sv.scheme, NOW)
        yield running


def test_a_communitys_unhandled_notice_is_told_at_its_town_and_its_notice_to_evaluators_only(
    make_app, services_with_a_notice, staff
):
    """A community's notices figure is withheld from all but evaluators (a community may hold a handful
    of people); its unhandled notice was listed as the community's alert, with its day, to every
    viewer of the town and of the community (review 23). It is the town's alert (migration 0006)."""
    _, sv_url, reg_url = services_with_a_notice
    app = make_app(supervision_url=sv_url, registry_url=reg_url)

    def page_of(role: str, unit: str) -> str:
        client = app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"
        assert console_sign_in(client, *staff(role, unit=unit)).status_code == 302
        return page(client, "/supervision", month=MONTH, unit=unit)

    def notice_alerts(html: str) -> list[list[str]]:
        return [r["cells"] for r in table(html, "alert-list")[1:] if r["cells"][0] == "违法违纪通报逾期未处理"]

    evaluator = notice_alerts(page_of("evaluator", TOWN_A))
    assert [(c[1], c[2]) for c in evaluator] == [("圣城街道", "court/n1")]
    town_viewer = page_of("viewer", TOWN_A)
    assert [(c[1], c[2]) for c in notice_alerts(town_viewer)] == [("圣城街道", "—")]
    header, *rows = table(town_viewer, "supervision-ranking")
    (community,) = [r for r in rows if r["attrs"]["data-unit"] == HOME_A]
    notices = next(i for i, h in enumerate(header["cells"]) if h.startswith("违法违纪通报处理率"))
    assert community["cells"][notices] == "未计量"
    community_viewer = page_of("viewer", HOME_A)
    figures = {r["cells"][0]: r["cells"][2] for r in table(community_viewer, "own-figures")[1:]}
    assert figures["违法违纪通报处理率"] == "未计量" and notice_alerts(community_viewer) == []
