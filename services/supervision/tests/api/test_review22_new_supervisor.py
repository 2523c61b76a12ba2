"""Review 22: what a new county supervisor reads.

- The monthly spreadsheet (and every ranking) names units by their 12-digit statistical code only
  (``370783001000``): the county's staff know their towns by name, and the supervision has no
  source of unit names (the registry's ``admin_units`` is published on no topic). Expected: a
  unit name column (单位名称) beside the code.
- A ranking is "the units one level below a county (its towns) or a town (its communities)";
  asked for the units below a community it answers 200 with an empty list, as if the community
  had no data. Expected: a 422 problem saying a community has no units below it.
- A town's SLA alert says ``0.00 < 95``: no measure, no words. Expected: the share with its
  measure (%), as the figures say it (e.g. ``按时办结率 0.00% < 目标 95%``)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from chassis.contracts import servicedesk as sd
from services.supervision.tests.api.test_assessments import october
from services.supervision.tests.conftest import HOME_A, HOME_B, NOW, TOWN_A, TOWN_B
from services.supervision.tests.events import breach, request
from supervision.service_layer import alerting


def test_the_monthly_spreadsheet_names_each_unit(client, auth, feed):
    october(feed)
    r = client.get("/assessments/2026-10/report.xlsx", headers=auth())
    assert r.status_code == 200
    (sheet,) = load_workbook(io.BytesIO(r.get_data()), read_only=True).worksheets
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert "单位名称" in header, header[:6]
    names = [row[header.index("单位名称")] for row in rows]
    assert all(name and not str(name).isdigit() for name in names), names


def test_a_ranking_below_a_community_is_a_problem(client, auth, feed):
    october(feed)
    r = client.get("/rankings/2026-10", query_string={"within": HOME_A}, headers=auth(unit=TOWN_A))
    assert r.status_code == 422, r.get_json()
    assert r.mimetype == "application/problem+json" and r.get_json()["detail"] and r.get_json()["detail_en"]


def test_an_sla_alert_says_its_measure(sv, feed, client, auth):
    feed(
        breach("rb", HOME_B, due="2026-11-05T02:00:00+00:00"),
        request(sd.REQUEST_RESOLVED, "rb", HOME_B, at="2026-11-10T02:00:00+00:00"),
    )
    alerting.evaluate(sv.uow, sv.scheme, NOW)
    (alert,) = client.get("/alerts", query_string={"unit": TOWN_B}, headers=auth(unit=TOWN_B)).get_json()["items"]
    assert "%" in alert["detail"], alert["detail"]
