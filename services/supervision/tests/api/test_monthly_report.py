"""The monthly assessment as .xlsx on SQLite and PostgreSQL: the ranking of the units below a unit
with Chinese headers, every indicator's figure and the unit's own total, the same numbers the JSON
API gives; scope and bad input as everywhere; a ranking or report of the units below a community is a
problem (it has none), not an empty answer."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from services.supervision.tests.conftest import COUNTY, HOME_A, HOME_B, TOWN_A, TOWN_B
from services.supervision.tests.october import october
from supervision.domain.indicators import INDICATORS

PATH = "/assessments/2026-10/report.xlsx"


def sheet_of(response):
    assert response.status_code == 200, response.get_data()[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    (sheet,) = book.worksheets
    return sheet.title, [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_county_report_ranks_its_towns_with_the_figures_of_the_json_api(client, auth, feed):
    october(feed)
    r = client.get(PATH, headers=auth())
    assert r.headers["Content-Disposition"] == f'attachment; filename="supervision-2026-10-{COUNTY}.xlsx"'
    title, rows = sheet_of(r)
    assert title == "2026-10 考核（2026.2）"
    header, *body = rows
    assert header[:5] == ["名次", "单位代码", "同心指数", "得分", "计分满分"]
    assert header[5:] == [f"{i.name_zh}（{i.measure}）" for i in INDICATORS.values()]
    assert [row[:5] for row in body[:2]] == [[1, TOWN_A, 95.24, 66.67, 70], [2, TOWN_B, 11.43, 7.43, 65]]
    assert body[2][:2] == ["合计", COUNTY]
    a = client.get("/assessments/2026-10", query_string={"unit": TOWN_A}, headers=auth()).get_json()
    by_code = {f["indicator"]: f["value"] for f in a["figures"]}
    expected = [None if by_code[c] is None else float(by_code[c]) for c in INDICATORS]
    assert [None if v is None else float(v) for v in body[0][5:]] == expected


def test_a_town_reports_its_communities_and_may_not_report_the_county(client, auth, feed):
    october(feed)
    _, rows = sheet_of(client.get(PATH, headers=auth(unit=TOWN_A)))
    assert [row[1] for row in rows[1:]] == ["370783001001", TOWN_A]
    for query, status in (({"within": COUNTY}, 404), ({"within": "12345"}, 422)):
        r = client.get(PATH, query_string=query, headers=auth(unit=TOWN_A))
        assert r.status_code == status and r.mimetype == "application/problem+json"
    bad_month = client.get("/assessments/2026-13/report.xlsx", headers=auth())
    assert bad_month.status_code == 422 and bad_month.get_json()["detail"]


def test_a_ranking_or_report_below_a_community_is_a_problem(client, auth, feed):
    # Review 22: it answered 200 with no unit, as if the community had no data.
    october(feed)
    for headers, query in ((auth(unit=TOWN_A), {"within": HOME_A}), (auth(unit=HOME_A), {})):
        for path in ("/rankings/2026-10", PATH):
            r = client.get(path, query_string=query, headers=headers)
            assert r.status_code == 422 and r.mimetype == "application/problem+json", (path, query)
            assert r.get_json()["detail"].startswith("社区以下没有可排名的单位") and r.get_json()["detail_en"]
    # A community outside the caller's scope is not found, as every unit there.
    r = client.get("/rankings/2026-10", query_string={"within": HOME_B}, headers=auth(unit=TOWN_A))
    assert r.status_code == 404
