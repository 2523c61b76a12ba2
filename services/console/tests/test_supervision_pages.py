"""The supervision pages (督查考核) against a real supervision API and registry, signed in through
the session's Keycloak as accounts of the county and of a town: the ranking table shows what the
API ranks (every indicator named with its measure) and lists the towns with no activity as not
measured; a town sees its communities and never another town, whatever the link says; drill-down,
the printable page and the .xlsx go through the same scope; bad input and an unreachable service
are readable Chinese pages. Acknowledging and reading alerts is in ``test_supervision_alerts``."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import openpyxl
from console import supervision_board

from chassis.auth import Principal
from services.console.tests.supervision_support import (
    COUNTY,
    HOME_A,
    HOME_B,
    MONTH,
    TOWN_A,
    TOWN_B,
    overdue_suggestion,
    page,
    table,
)
from supervision.service_layer import assessment
from tests.support.keycloak_pages import console_sign_in

OUT_OF_SCOPE = "您的管辖范围内没有该单位"


def expected_ranking(sv, unit: str) -> list[tuple[str, str]]:
    principal = Principal("x", "x", frozenset({"viewer"}), unit)
    items = assessment.ranking(sv.uow, principal, sv.scheme, MONTH, unit, sv.clock())["items"]
    return [(p["unit_code"], str(p["index"])) for p in items]


def test_the_county_sees_its_towns_ranked_with_every_indicator_and_idle_towns_not_measured(
    console_as, supervision_services
):
    sv = supervision_services[0]
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


def test_a_town_sees_its_communities_and_no_other_town_whatever_the_link_says(console_as, supervision_services):
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


def test_a_figure_links_to_the_events_behind_it(console_as, supervision_services):
    client = console_as("viewer")
    html = page(client, "/supervision", month=MONTH, unit=TOWN_B)
    link = f"/supervision/events?month={MONTH}&amp;unit={HOME_B}&amp;indicator=requests_received"
    assert link in html
    events = page(client, "/supervision/events", month=MONTH, unit=TOWN_B, indicator="requests_received")
    rows = table(events, "figure-events")[1:]
    assert len(rows) == 2 and {r["cells"][3] for r in rows} == {"计入"}
    assert {r["cells"][1] for r in rows} == {"诉求提交"}  # the catalogue's name of request.opened.v1
    assert "收到诉求数" in events and "代表" not in events  # ids, never names


def test_the_printable_page_has_the_title_scheme_and_time_and_no_navigation(console_as, supervision_services):
    html = page(console_as("viewer"), "/supervision/print", month=MONTH)
    assert '<h1 id="print-title">寿光市 2026年10月 同心指数考核</h1>' in html
    assert "<nav" not in html and "<header" not in html
    assert f'id="scheme-version">{supervision_services[0].scheme.version}<' in html
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
