"""Review 23 (issue 20): the supervision pages as a county or town supervisor opening them for the first
time reads them. Each test fails while its finding stands: times in UTC ISO form, a month that has not
begun scored as 0, the drill-down naming units by code, and the scheme's unmeasured section nowhere in
the unit's own figures.

Against a real supervision API and registry on SQLite and the session's Keycloak (``supervision_support``:
October 2026, alerts evaluated on 20 November 2026 at 02:00 UTC, 10:00 in Beijing)."""

from __future__ import annotations

import datetime as dt

import pytest

from services.console.tests.supervision_support import COUNTY, MONTH, TOWN_A, serve_services, table
from tests.support.keycloak_pages import console_sign_in


@pytest.fixture(scope="module")
def services(oidc, tmp_path_factory):
    with serve_services(oidc, tmp_path_factory.mktemp("review23-readability")) as running:
        yield running


@pytest.fixture
def console_as(make_app, services, staff):
    _, sv_url, reg_url = services
    app = make_app(supervision_url=sv_url, registry_url=reg_url)

    def sign_in(*roles: str, unit: str = COUNTY):
        client = app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"
        assert console_sign_in(client, *staff(*roles, unit=unit)).status_code == 302
        return client

    return sign_in


def page(client, path: str, **query) -> str:
    r = client.get(path, query_string=query)
    assert r.status_code == 200, r.status_code
    return r.get_data(as_text=True)


def test_alert_times_are_beijing_times_a_person_reads(console_as):
    """Raised at 2026-11-20T02:00:00+00:00 is shown as it came from the API: UTC, ISO 8601, while every
    month of the page and the print page's 生成时间 are Beijing's. A supervisor reads 02:00."""
    html = page(console_as("viewer", unit=TOWN_A), "/supervision", month=MONTH)
    header, *rows = table(html, "alert-list")
    raised = header["cells"].index("发出时间 / Raised")
    assert rows and all(r["cells"][raised] == "2026-11-20 10:00" for r in rows), [r["cells"][raised] for r in rows]


def test_a_month_that_has_not_begun_is_not_scored(console_as):
    """The month field has no ``max`` and nothing refuses a month to come: 2099-01 shows the county at
    同心指数 0.00 and its two active towns ranked first and second at 0.00 (red tiles), "still moving with
    new events". The month in progress stays open to read."""
    client = console_as("viewer")
    this_month = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m")
    assert client.get("/supervision", query_string={"month": this_month}).status_code == 200
    html = page(client, "/supervision")
    assert 'max="' in html.split('id="month"')[1].split(">")[0], "the month picker offers months to come"
    r = client.get("/supervision", query_string={"month": "2099-01"})
    assert r.status_code == 422, (r.status_code, "a month to come is ranked and scored")


def test_the_drill_down_names_its_units(console_as):
    """Every other supervision table names units (东关社区); the events page shows bare codes, in its
    heading (单位 370783001000) and in every row."""
    html = page(console_as("viewer"), "/supervision/events", month=MONTH, unit=TOWN_A, indicator="people_on_record")
    header, *rows = table(html, "figure-events")
    unit = header["cells"].index("单位")
    assert rows and {r["cells"][unit] for r in rows} == {"东关社区"}
    assert "圣城街道" in html.split("</h1>")[1].split("</p>")[0]


def test_the_units_figures_show_the_weight_that_could_not_be_measured(console_as):
    """The scheme weighs 100 (study and publicity 30 of it); the page says the county scored "out of 52"
    but no row of the unit's figures shows the 30 of 学习宣传 (or any item it left out): only the help
    text, folded away, mentions it. A new supervisor cannot add the weights up to 100."""
    html = page(console_as("viewer"), "/supervision", month=MONTH)
    own = " ".join(" ".join(r["cells"]) for r in table(html, "own-figures"))
    assert "学习宣传" in own


def test_an_idle_town_reads_the_same_in_the_countys_ranking_and_on_its_own_page(console_as):
    """The county's table and grid show a town no event of the month names (古城街道) as "未计量" in every
    column, grey, "never 0": the console fills those rows itself, without asking the API. One click
    on its name, the API's own answer for the same town and month: 同心指数 0.00 (volunteer activities and
    people served measured, both 0) and 收到诉求数 0. The same figure must read the same on both pages."""
    client = console_as("viewer")
    idle = "370783003000"  # 古城街道
    county = page(client, "/supervision", month=MONTH)
    header, *rows = table(county, "supervision-ranking")
    (row,) = [r for r in rows if r["attrs"]["data-unit"] == idle]
    in_ranking = dict(zip(header["cells"], row["cells"], strict=True))
    town = page(client, "/supervision", month=MONTH, unit=idle)
    own = {r["cells"][0]: r["cells"][2] for r in table(town, "own-figures")[1:]}
    index = town.split('id="own-score"')[1].split("<strong>")[1].split("</strong>")[0].strip()
    assert (in_ranking["同心指数 / Index"], in_ranking["收到诉求数 （件）"]) == (index, own["收到诉求数"])
