"""The supervision pages (督查考核) against a real supervision API and registry, signed in through
the session's Keycloak as accounts of the county and of a town: the ranking table shows what the
API ranks (every indicator named with its measure) and lists the towns with no activity as not
measured; a town sees its communities and never another town, whatever the link says; drill-down,
the printable page and the .xlsx go through the same scope; alerts are acknowledged by editors
only, with a note; bad input and an unreachable service are readable Chinese pages."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import openpyxl
import pytest
import sqlalchemy as sa
from console import supervision_board

from chassis.auth import Principal
from services.console.tests.supervision_support import (
    COUNTY,
    HOME_A,
    HOME_B,
    MONTH,
    TOWN_A,
    TOWN_B,
    serve_services,
    table,
)
from services.supervision.tests.conftest import NOW
from services.supervision.tests.events import notice
from supervision.adapters.tables import alert_acknowledgements
from supervision.service_layer import alerting, assessment, view
from tests.support.keycloak_pages import console_sign_in

OUT_OF_SCOPE = "您的管辖范围内没有该单位"


@pytest.fixture(scope="module")
def services(oidc, tmp_path_factory):
    with serve_services(oidc, tmp_path_factory.mktemp("supervision")) as running:
        yield running


@pytest.fixture
def console_as(make_app, services, staff):
    """``console_as("viewer", unit=...)``: the console's test client, signed in as a fresh account."""
    _, sv_url, reg_url = services
    app = make_app(supervision_url=sv_url, registry_url=reg_url)

    def sign_in(*roles: str, unit: str = COUNTY):
        client = app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"
        assert console_sign_in(client, *staff(*roles, unit=unit)).status_code == 302
        return client

    return sign_in


def page(client, path: str, **query) -> str:
    r = client.get(path, query_string=query or None)
    assert r.status_code == 200, r.get_data(as_text=True)[:2000]
    return r.get_data(as_text=True)


def expected_ranking(sv, unit: str) -> list[tuple[str, str]]:
    principal = Principal("x", "x", frozenset({"viewer"}), unit)
    items = assessment.ranking(sv.uow, principal, sv.scheme, MONTH, unit)["items"]
    return [(p["unit_code"], str(p["index"])) for p in items]


def test_the_county_sees_its_towns_ranked_with_every_indicator_and_idle_towns_not_measured(console_as, services):
    sv = services[0]
    html = page(console_as("viewer"), "/supervision", month=MONTH)
    rows = table(html, "supervision-ranking")
    header, body = rows[0]["cells"], rows[1:]
    assert header[:4] == ["名次", "单位", "同心指数 / Index", "得分 / 计分满分 points / out of"]
    assert "收到诉求数 （件）" in header and "诉求按时办结率 （%）" in header and "光彩捐赠金额 （元）" in header
    ranked = expected_ranking(sv, COUNTY)
    assert [(r["attrs"]["data-unit"], r["cells"][2]) for r in body[: len(ranked)]] == ranked
    assert {r["attrs"]["data-unit"] for r in body[: len(ranked)]} == {TOWN_A, TOWN_B}
    assert [r["cells"][1] for r in body[:2]] in (["圣城街道", "文家街道"], ["文家街道", "圣城街道"])  # names, not codes
    idle = body[len(ranked) :]
    assert len(idle) == 12 and all(r["cells"][0] == "—" and r["cells"][2] == "未计量" for r in idle)
    grid = json.loads(re.search(r'<script type="application/json" id="grid-data">(.*?)</script>', html, re.S)[1])
    tiles = {t["code"]: t["index"] for t in grid["tiles"]}
    assert len(tiles) == 14 and tiles[TOWN_A] is not None and tiles["370783003000"] is None  # grey, not 0
    assert 'href="/supervision/report.xlsx?month=2026-10&amp;unit=370783000000"' in html
    assert 'href="/supervision/print?month=2026-10&amp;unit=370783000000"' in html
    assert "/vendor/echarts.min.js" in html


def test_a_town_sees_its_communities_and_no_other_town_whatever_the_link_says(console_as, services):
    town = console_as("editor", unit=TOWN_A)
    html = page(town, "/supervision", month=MONTH)  # its own unit by default
    body = table(html, "supervision-ranking")[1:]
    assert body[0]["attrs"]["data-unit"] == HOME_A and body[0]["cells"][1] == "东关社区"
    assert all(r["attrs"]["data-unit"].startswith("370783001") for r in body)
    for path in ("/supervision", "/supervision/print", "/supervision/report.xlsx"):
        for unit in (TOWN_B, COUNTY):
            r = town.get(path, query_string={"month": MONTH, "unit": unit})
            assert r.status_code == 404 and OUT_OF_SCOPE in r.get_data(as_text=True), (path, unit)
    r = town.get("/supervision/events", query_string={"month": MONTH, "unit": TOWN_B, "indicator": "requests_received"})
    assert r.status_code == 404 and OUT_OF_SCOPE in r.get_data(as_text=True)


def test_the_default_month_is_the_last_one_ended_and_bad_input_is_a_readable_page(console_as):
    client = console_as("viewer")
    html = page(client, "/supervision")
    assert f"（{supervision_board.month_label(supervision_board.default_month())}）" in html
    for query, status, said in (
        ({"month": "2026-13"}, 422, "月份格式应为 YYYY-MM"),
        ({"month": "../alerts"}, 422, "月份格式应为 YYYY-MM"),
        ({"unit": "37078300100"}, 422, "单位代码应为 12 位数字"),
        ({"unit": "370783001000/../x"}, 422, "单位代码应为 12 位数字"),
    ):
        r = client.get("/supervision", query_string=query)
        text = r.get_data(as_text=True)
        assert r.status_code == status and said in text and "出错了" in text, query
    r = client.get("/supervision/events", query_string={"month": MONTH, "indicator": "../../alerts"})
    assert r.status_code == 404 and "没有该指标" in r.get_data(as_text=True)


def test_a_figure_links_to_the_events_behind_it(console_as, services):
    client = console_as("viewer")
    html = page(client, "/supervision", month=MONTH, unit=TOWN_B)
    link = f"/supervision/events?month={MONTH}&amp;unit={HOME_B}&amp;indicator=requests_received"
    assert link in html
    events = page(client, "/supervision/events", month=MONTH, unit=TOWN_B, indicator="requests_received")
    rows = table(events, "figure-events")[1:]
    assert len(rows) == 2 and {r["cells"][3] for r in rows} == {"计入"}
    assert {r["cells"][1] for r in rows} == {"诉求提交"}  # the catalogue's name of request.opened.v1
    assert "收到诉求数" in events and "代表" not in events  # ids, never names


def test_the_printable_page_has_the_title_scheme_and_time_and_no_navigation(console_as, services):
    html = page(console_as("viewer"), "/supervision/print", month=MONTH)
    assert '<h1 id="print-title">寿光市 2026年10月 同心指数考核</h1>' in html
    assert "<nav" not in html and "<header" not in html
    assert f'id="scheme-version">{services[0].scheme.version}<' in html
    assert re.search(r'id="generated-at">20\d\d-\d\d-\d\d \d\d:\d\d<', html)
    assert len(table(html, "print-ranking")) == 1 + 14
    assert "print.css" in html
    css = console_as("viewer").get("/static/print.css").get_data(as_text=True)
    assert "size: A4" in css and "display: none" in css


def test_the_spreadsheet_is_the_supervision_apis_for_the_users_scope(console_as):
    r = console_as("viewer", unit=TOWN_A).get("/supervision/report.xlsx", query_string={"month": MONTH})
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    assert r.headers["Content-Disposition"] == f'attachment; filename="supervision-{MONTH}-{TOWN_A}.xlsx"'
    assert "no-store" in r.headers["Cache-Control"]
    sheet = openpyxl.load_workbook(io.BytesIO(r.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("名次", "单位代码", "同心指数")
    assert [row[1] for row in rows[1:-1]] == [HOME_A] and rows[-1][:2] == ("合计", TOWN_A)


def acknowledgements(sv) -> list[tuple[str, str]]:
    with sv.engine.connect() as conn:
        query = sa.select(alert_acknowledgements.c.by_unit, alert_acknowledgements.c.note)
        return [tuple(r) for r in conn.execute(query)]


def overdue_suggestion(html: str) -> str:
    (row,) = [r for r in table(html, "alert-list")[1:] if "建言献策逾期未答复" in r["cells"][0]]
    assert row["cells"][1] == "东关社区" and row["cells"][2] == "sa"
    return row["attrs"]["data-alert"]


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def test_an_editor_acknowledges_an_alert_with_a_note_and_a_viewer_cannot(console_as, services):
    sv = services[0]
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


def test_another_towns_editor_cannot_acknowledge_it(console_as, services):
    sv = services[0]
    alert_id = overdue_suggestion(page(console_as("viewer"), "/supervision", month=MONTH, unit=TOWN_A))
    other = console_as("editor", unit=TOWN_B)
    html = page(other, "/supervision", month=MONTH)
    before = acknowledgements(sv)
    r = other.post(f"/supervision/alerts/{alert_id}/acknowledge", data={"note": "越权", "csrf_token": csrf(html)})
    assert r.status_code == 302
    shown = page(other, r.headers["Location"].split("#")[0])
    assert "越权" not in shown and "您的管辖范围内没有该预警" in shown
    assert acknowledgements(sv) == before


def test_an_unreachable_supervision_service_is_a_readable_page(make_app, staff):
    client = make_app().test_client()  # supervision_url: nothing listens
    client.environ_base["wsgi.url_scheme"] = "https"
    assert console_sign_in(client, *staff("viewer")).status_code == 302
    r = client.get("/supervision", query_string={"month": MONTH})
    assert r.status_code == 503 and "服务暂时无法连接" in r.get_data(as_text=True)


def test_a_community_sees_its_own_figures_and_alerts_and_no_ranking(console_as):
    html = page(console_as("viewer", unit=HOME_A), "/supervision", month=MONTH)
    assert 'id="supervision-ranking"' not in html and 'id="unit-grid"' not in html
    figures = {r["cells"][0]: r["cells"][2] for r in table(html, "own-figures")[1:]}
    assert figures["收到诉求数"] == "1" and figures["服务群众人次"] == "30"
    assert figures["违法违纪通报处理率"] == "未计量"  # a community's notices are withheld from a viewer, not 0
    assert overdue_suggestion(html)


def test_an_account_with_no_staff_role_reads_no_supervision(console_as):
    """Any staff role reads; an account whose staff roles were all withdrawn (the usual way to end
    someone's access and keep the account) read its town's figures, ranking, drill-down and alerts
    with their person ids (review 23). The console's matrix refuses it, and so does the API."""
    roleless = console_as(unit=TOWN_A)
    for path in ("/supervision", "/supervision/print", "/supervision/report.xlsx"):
        r = roleless.get(path, query_string={"month": MONTH})
        assert r.status_code == 403 and "没有任何工作人员角色" in r.get_data(as_text=True), (path, r.status_code)
    r = roleless.get("/supervision/events", query_string={"month": MONTH, "indicator": "people_on_record"})
    assert r.status_code == 403 and "/people/a1" not in r.get_data(as_text=True)


def test_an_alert_id_is_one_path_segment_and_cannot_climb(console_as, services):
    """``/supervision/alerts/%2E%2E/acknowledge`` made the console POST the editor's note to
    ``{SUPERVISION_URL}/acknowledge`` (``quote`` leaves ``..``, the HTTP client removes dot segments;
    review 23). An id that is no UUID is no alert, answered so without a call."""
    sv = services[0]
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


def test_a_month_that_has_not_begun_is_not_scored(console_as):
    """2099-01 showed the county at 0.00 and its towns ranked on nothing (review 23): the API refuses
    it, the month picker stops at the month in progress, which stays open to read."""
    client = console_as("viewer")
    this_month = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m")
    assert client.get("/supervision", query_string={"month": this_month}).status_code == 200
    picker = page(client, "/supervision").split('id="month"')[1].split(">")[0]
    assert f'max="{this_month}"' in picker
    r = client.get("/supervision", query_string={"month": "2099-01"})
    assert r.status_code == 422 and "该月尚未开始" in r.get_data(as_text=True)


def test_the_drill_down_names_its_units(console_as):
    """Every other table names units; the events page showed bare codes (review 23)."""
    html = page(console_as("viewer"), "/supervision/events", month=MONTH, unit=TOWN_A, indicator="people_on_record")
    header, *rows = table(html, "figure-events")
    unit = header["cells"].index("单位")
    assert rows and {r["cells"][unit] for r in rows} == {"东关社区"}
    assert "圣城街道" in html.split("</h1>")[1].split("</p>")[0]


def test_the_units_figures_show_the_weight_that_could_not_be_measured(console_as):
    """The scheme weighs 100, 学习宣传 30 of it unmeasurable; no row of the unit's figures showed it, so
    a new supervisor could not add the weights up (review 23). A weightless indicator says so."""
    html = page(console_as("viewer"), "/supervision", month=MONTH)
    rows = {r["cells"][0]: r["cells"] for r in table(html, "own-figures")[1:]}
    assert rows["学习宣传"][2].startswith("暂无数据来源") and rows["学习宣传"][4] == "30"
    assert rows["收到诉求数"][4].startswith("不计分")
    printed = {r["cells"][0]: r["cells"] for r in table(page(console_as("viewer"), "/supervision/print",
                                                               month=MONTH), "print-own")[1:]}  # fmt: skip
    assert printed["学习宣传"][2:4] == ["暂无数据来源", "30"]


def test_an_idle_town_reads_the_same_in_the_countys_ranking_and_on_its_own_page(console_as):
    """古城街道 (no event of the month) read "未计量" in the county's ranking, filled by the console,
    and 同心指数 0.00, 收到诉求数 0 on its own page (review 23). The API answers both: not measured."""
    client = console_as("viewer")
    idle = "370783003000"  # 古城街道
    header, *rows = table(page(client, "/supervision", month=MONTH), "supervision-ranking")
    (row,) = [r for r in rows if r["attrs"]["data-unit"] == idle]
    in_ranking = dict(zip(header["cells"], row["cells"], strict=True))
    town = page(client, "/supervision", month=MONTH, unit=idle)
    own = {r["cells"][0]: r["cells"][2] for r in table(town, "own-figures")[1:]}
    index = re.sub(r"<[^>]+>", "", town.split('id="own-score"')[1].split("<strong>")[1].split("</strong>")[0]).strip()
    in_ranking = (in_ranking["同心指数 / Index"], in_ranking["收到诉求数 （件）"])
    assert in_ranking == (index, own["收到诉求数"]) == ("未计量", "未计量")


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
