"""Review 23 (issue 20): what the supervision page tells a reader who is not to know it. The supervision
API withholds a community's violation notices figure from everyone but evaluators ("a community may
hold a handful of people"), yet the page's task list shows each unhandled notice as an alert of the
community, with the day it came, to every viewer of the town and of the community itself. Fails while
the finding stands.

Against a real supervision API and registry on SQLite and the session's Keycloak (``supervision_support``),
fed a court's notice on one of 东关社区's two people, unhandled past its 15 days on 20 November."""

from __future__ import annotations

import pytest

from services.console.tests.supervision_support import HOME_A, MONTH, TOWN_A, serve_services, table
from services.supervision.tests.conftest import NOW
from services.supervision.tests.events import notice
from supervision.service_layer import alerting, view
from tests.support.keycloak_pages import console_sign_in

NOTICE_ALERT = "违法违纪通报逾期未处理"
NOTICES = "违法违纪通报处理率"


@pytest.fixture(scope="module")
def services(oidc, tmp_path_factory):
    with serve_services(oidc, tmp_path_factory.mktemp("review23-disclosure")) as running:
        sv = running[0]
        view.record_fact(sv.uow, notice("n1", "da1".ljust(64, "0")))  # person a1 of 东关社区
        alerting.evaluate(sv.uow, sv.scheme, NOW)
        yield running


@pytest.fixture
def console_as(make_app, services, staff):
    _, sv_url, reg_url = services
    app = make_app(supervision_url=sv_url, registry_url=reg_url)

    def sign_in(*roles: str, unit: str):
        client = app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"
        assert console_sign_in(client, *staff(*roles, unit=unit)).status_code == 302
        return client

    return sign_in


def page(client, unit: str) -> str:
    r = client.get("/supervision", query_string={"month": MONTH, "unit": unit})
    assert r.status_code == 200
    return r.get_data(as_text=True)


def notice_alerts(html: str) -> list[list[str]]:
    return [r["cells"] for r in table(html, "alert-list")[1:] if r["cells"] and r["cells"][0] == NOTICE_ALERT]


def test_a_communitys_unhandled_notice_is_not_told_to_those_its_notices_figure_is_withheld_from(console_as):
    # those who handle violations see the alert where it is, with its notice: the data is there
    evaluator = notice_alerts(page(console_as("evaluator", unit=TOWN_A), TOWN_A))
    assert [(c[1], c[2]) for c in evaluator] == [("东关社区", "court/n1")]

    town_viewer = page(console_as("viewer", unit=TOWN_A), TOWN_A)
    (community_row,) = [r for r in table(town_viewer, "supervision-ranking")[1:] if r["attrs"]["data-unit"] == HOME_A]
    header = table(town_viewer, "supervision-ranking")[0]["cells"]
    notices_column = next(i for i, h in enumerate(header) if h.startswith(NOTICES))
    assert community_row["cells"][notices_column] == "未计量"  # withheld by the API, as it should be
    told = [c[1] for c in notice_alerts(town_viewer)]
    assert "东关社区" not in told, "the task list names the community with an unhandled notice (and its day)"

    community_viewer = page(console_as("viewer", unit=HOME_A), HOME_A)
    figures = {r["cells"][0]: r["cells"][2] for r in table(community_viewer, "own-figures")[1:]}
    assert figures[NOTICES] == "未计量"
    assert notice_alerts(community_viewer) == [], "the community's own viewer is told of a notice on one of its people"
