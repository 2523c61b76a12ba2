"""The annual assessment on SQLite and PostgreSQL, on a worked example a person can count by hand: two
towns over August to October 2026, August closed under scheme 2026.1, September and October open under
2026.2. A year is the mean of its measured months' indexes; each month reads as its monthly assessment."""

from __future__ import annotations

import dataclasses
import io

from openpyxl import load_workbook

from services.supervision.tests.conftest import COUNTY, HOME_A, HOME_B, NOW, TOWN_A, TOWN_B
from services.supervision.tests.events import activity, notice, person_event
from supervision.adapters.schemes import load_scheme
from supervision.service_layer import months_of_record


def registered(person, unit, day, digest=None):
    return dataclasses.replace(person_event(person, unit=unit, digest=digest), time=f"{day}T02:00:00+00:00")


def three_months(feed):
    """Town A: a1 on record from 1 August; August 1 activity serving 100, September 3 serving 30 each,
    October none. Town B: b1 on record from 1 September, nothing before; September 1 activity serving
    100, October 3 serving 30 each. A town with one person current and nothing else is measured on
    records (4), activities (10, target 3) and people served (10, target 100), plus under 2026.1 the
    breach count (8 for none): out of 32 under 2026.1, 24 under 2026.2."""
    feed(
        registered("a1", HOME_A, "2026-08-01"),
        registered("b1", HOME_B, "2026-09-01"),
        activity("a-aug", HOME_A, 100, held_on="2026-08-10"),
        *(activity(f"a-sep{i}", HOME_A, 30, held_on="2026-09-10") for i in range(3)),
        activity("b-sep", HOME_B, 100, held_on="2026-09-10"),
        *(activity(f"b-oct{i}", HOME_B, 30, held_on="2026-10-10") for i in range(3)),
    )


def year_of(client, headers, unit, year="2026"):
    r = client.get(f"/assessments/annual/{year}", query_string={"unit": unit}, headers=headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def by_month(answer):
    return {m["month"]: (m["closed"], m["scheme"]["version"], m["points"], m["out_of"], m["index"], m["measured"])
            for m in answer["months"] if m["measured"]}  # fmt: skip


def test_a_towns_year_is_the_mean_of_its_measured_months(sv, client, auth, feed):
    three_months(feed)
    months_of_record.close_month(sv.uow, load_scheme("2026.1"), "2026-08", "督查科张三", "八月考核结算", NOW)
    a = year_of(client, auth(), TOWN_A)
    # August (2026.1): records 4 + activities 10 x 1/3 = 3.33 + served 10 + no breach 8 = 25.33 of 32 = 79.16;
    # September (2026.2): 4 + 10 + 10 x 90/100 = 9 = 23 of 24 = 95.83; October: records only, 4 of 24 = 16.67.
    assert by_month(a) == {
        "2026-08": (True, "2026.1", "25.33", "32", "79.16", True),
        "2026-09": (False, "2026.2", "23.00", "24", "95.83", True),
        "2026-10": (False, "2026.2", "4.00", "24", "16.67", True),
    }
    # (79.16 + 95.83 + 16.67) / 3 = 63.886...; January to July saw nothing of town A: not measured, not zeros.
    assert (a["index"], a["months_measured"], a["months_ended"], a["provisional"]) == ("63.89", 3, 10, True)
    assert [m["month"] for m in a["months"]] == [f"2026-{n:02d}" for n in range(1, 11)]  # November has not ended
    b = year_of(client, auth(), TOWN_B)
    # B: August nothing (b1 came in September); September 4 + 3.33 + 10 = 17.33 of 24 = 72.21; October
    # 4 + 10 + 9 = 23 of 24 = 95.83: (72.21 + 95.83) / 2 = 84.02.
    assert (b["index"], b["months_measured"]) == ("84.02", 2)
    assert b["months"][7]["closed"] and not b["months"][7]["measured"]


def test_each_month_of_the_year_reads_as_its_monthly_assessment(sv, client, auth, feed):
    three_months(feed)
    months_of_record.close_month(sv.uow, load_scheme("2026.1"), "2026-08", "督查科张三", "八月考核结算", NOW)
    feed(activity("a-late", HOME_A, 500, held_on="2026-08-20"))  # late for closed August: moves nothing
    year = year_of(client, auth(), TOWN_A)
    for entry in year["months"][7:]:
        month = client.get(f"/assessments/{entry['month']}", query_string={"unit": TOWN_A}, headers=auth()).get_json()
        assert (entry["points"], entry["out_of"], entry["index"]) == (
            month["score"]["points"], month["score"]["out_of"], month["score"]["index"]
        )  # fmt: skip
        assert (entry["closed"], entry["scheme"], entry.get("snapshot_digest")) == (
            month["closed"], month["scheme"], month.get("snapshot_digest")
        )  # fmt: skip
    assert year["index"] == "63.89"


def test_the_years_ranking_of_towns_and_of_communities(sv, client, auth, feed):
    three_months(feed)
    months_of_record.close_month(sv.uow, load_scheme("2026.1"), "2026-08", "督查科张三", "八月考核结算", NOW)
    r = client.get("/rankings/annual/2026", headers=auth())
    assert r.status_code == 200, r.get_json()
    ranking = r.get_json()
    assert (ranking["within"], ranking["months_ended"], ranking["provisional"]) == (COUNTY, 10, True)
    assert [(p["unit_code"], p["rank"], p["index"], p["months_measured"]) for p in ranking["items"]] == [
        (TOWN_B, 1, "84.02", 2), (TOWN_A, 2, "63.89", 3),
    ]  # fmt: skip
    assert [(m["month"], m["closed"], m["scheme"]["version"]) for m in ranking["months"][7:]] == [
        ("2026-08", True, "2026.1"), ("2026-09", False, "2026.2"), ("2026-10", False, "2026.2"),
    ]  # fmt: skip
    communities = client.get("/rankings/annual/2026", headers=auth(unit=TOWN_A)).get_json()
    assert [(p["unit_code"], p["rank"]) for p in communities["items"]] == [(HOME_A, 1)]
    assert communities["items"][0]["index"] == year_of(client, auth(unit=TOWN_A), HOME_A)["index"]


def test_the_years_report_ranks_the_towns_with_each_months_index(sv, client, auth, feed):
    three_months(feed)
    months_of_record.close_month(sv.uow, load_scheme("2026.1"), "2026-08", "督查科张三", "八月考核结算", NOW)
    r = client.get("/assessments/annual/2026/report.xlsx", headers=auth())
    assert r.status_code == 200 and r.headers["Content-Disposition"].endswith(f'"supervision-2026-{COUNTY}.xlsx"')
    (sheet,) = load_workbook(io.BytesIO(r.get_data()), read_only=True).worksheets
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert sheet.title == "2026 年度考核（10 个月，含未结算月份）"
    assert header[:4] == ["名次", "单位代码", "年度同心指数", "计入月数"]
    assert header[4:] == [f"2026-{n:02d}（2026.2，未结算）" for n in range(1, 8)] + [
        "2026-08（2026.1，已结算）", "2026-09（2026.2，未结算）", "2026-10（2026.2，未结算）",
    ]  # fmt: skip
    assert rows[0] == [1, TOWN_B, 84.02, 2, *[None] * 8, 72.21, 95.83]  # August not measured: blank
    assert rows[1] == [2, TOWN_A, 63.89, 3, *[None] * 7, 79.16, 95.83, 16.67]
    county = year_of(client, auth(), COUNTY)
    assert rows[2][:4] == ["合计", COUNTY, float(county["index"]), county["months_measured"]]
    mine = client.get(
        "/assessments/annual/2026/report.xlsx", query_string={"within": COUNTY}, headers=auth(unit=TOWN_A)
    )
    assert mine.status_code == 404 and mine.mimetype == "application/problem+json"


def test_a_communitys_notices_are_withheld_from_its_year_as_from_its_months(client, auth, feed):
    digest = "dn".ljust(64, "0")
    feed(person_event("only", unit=HOME_A, digest=digest), notice("n1", digest))
    viewer, evaluator = auth(unit=TOWN_A), auth(roles=("evaluator",), unit=TOWN_A)
    seen, withheld = year_of(client, evaluator, HOME_A), year_of(client, viewer, HOME_A)
    # October: records 4 of 4, activities and served 0 of 20, and to evaluators only the unhandled notice 0 of 5:
    # 4 of 29 = 13.79 to them, 4 of 24 = 16.67 to the others.
    assert (seen["index"], withheld["index"]) == ("13.79", "16.67")
    month = client.get("/assessments/2026-10", query_string={"unit": HOME_A}, headers=viewer).get_json()
    assert withheld["months"][9]["index"] == month["score"]["index"]
    ranked = client.get("/rankings/annual/2026", query_string={"within": TOWN_A}, headers=viewer).get_json()
    assert ranked["items"][0]["index"] == "16.67"


def test_bad_years_and_units_are_problems_in_chinese_and_english(client, auth):
    for path, query in [
        ("/assessments/annual/26", {}),
        ("/assessments/annual/2026-10", {}),
        ("/assessments/annual/二〇二六", {}),
        ("/rankings/annual/1999", {}),
        ("/assessments/annual/2027", {}),  # not begun on 20 November 2026
        ("/rankings/annual/2027", {}),
        ("/rankings/annual/2026", {"within": HOME_A}),  # nothing below a community
        ("/assessments/annual/2026/report.xlsx", {"within": HOME_A}),
        ("/assessments/annual/2026x/report.xlsx", {}),
        ("/assessments/annual/2026", {"unit": "37078300100"}),
    ]:
        r = client.get(path, query_string=query, headers=auth())
        assert r.status_code == 422, (path, query, r.status_code)
        assert r.mimetype == "application/problem+json" and r.get_json()["detail"] and r.get_json()["detail_en"]
    for path, query in [("/assessments/annual/2026", {"unit": TOWN_B}), ("/rankings/annual/2026", {"within": COUNTY})]:
        r = client.get(path, query_string=query, headers=auth(unit=TOWN_A))
        assert r.status_code == 404 and r.mimetype == "application/problem+json", (path, r.status_code)
    assert client.get("/assessments/annual/2026").status_code == 401
