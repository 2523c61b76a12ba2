"""A month of record on SQLite and PostgreSQL: once closed, a month does not move on a late event
until an explicit, recorded recalculation, keeps the scheme it was closed under until recalculated
under a later one, and cannot be closed before its end or twice."""

from __future__ import annotations

import pytest

from chassis.errors import Conflict
from services.supervision.tests.conftest import HOME_B, NOW, TOWN_B
from services.supervision.tests.events import activity
from services.supervision.tests.october import october, values
from supervision.adapters.schemes import load_scheme
from supervision.service_layer import months_of_record


def test_a_closed_month_does_not_move_until_a_recorded_recalculation(sv, client, auth, feed):
    october(feed)
    before = client.get("/assessments/2026-10", query_string={"unit": TOWN_B}, headers=auth()).get_json()
    closure = months_of_record.close_month(sv.uow, sv.scheme, "2026-10", "督查科张三", "十月考核结算", NOW)
    feed(activity("late", HOME_B, 500), activity("late", HOME_B, 500))  # late, and delivered twice
    closed = client.get("/assessments/2026-10", query_string={"unit": TOWN_B}, headers=auth()).get_json()
    assert closed["closed"] and closed["snapshot_digest"] == closure.snapshot_digest
    assert closed["figures"] == before["figures"] and closed["score"] == before["score"]
    after = months_of_record.recalculate(sv.uow, "2026-10", "督查科张三", "补录义诊活动", NOW)
    again = client.get("/assessments/2026-10", query_string={"unit": TOWN_B}, headers=auth()).get_json()
    assert values(again)["people_served"] == "500" and values(again)["volunteer_activities"] == "1"
    assert after.snapshot_digest != closure.snapshot_digest
    with sv.uow() as uow:
        [recorded] = uow.supervision.recalculations("2026-10")
    assert (recorded["by"], recorded["reason"]) == ("督查科张三", "补录义诊活动")
    assert (recorded["digest_before"], recorded["digest_after"]) == (closure.snapshot_digest, after.snapshot_digest)
    assert (recorded["scheme_version_before"], recorded["scheme_version"]) == ("2026.2", "2026.2")


def test_a_month_closed_under_an_earlier_scheme_keeps_its_points_until_recalculated_under_a_later_one(
    sv, client, auth, feed
):
    october(feed)
    months_of_record.close_month(sv.uow, load_scheme("2026.1"), "2026-10", "督查科张三", "十月考核结算", NOW)
    # Open months are scored under 2026.2; October keeps 2026.1: satisfaction from 0 (12 x 2/4.5 = 5.33) and
    # breaches counted (8 / (1 + 1) = 4.00), with records 4: 13.33 of 65.
    closed = client.get("/assessments/2026-10", query_string={"unit": TOWN_B}, headers=auth()).get_json()
    assert (closed["scheme"]["version"], closed["score"]["points"], closed["score"]["index"]) == (
        "2026.1", "13.33", "20.51"
    )  # fmt: skip
    months_of_record.recalculate(sv.uow, "2026-10", "督查科李四", "复核", NOW)  # its own version
    assert client.get("/assessments/2026-10", query_string={"unit": TOWN_B}, headers=auth()).get_json() == closed
    months_of_record.recalculate(sv.uow, "2026-10", "督查科李四", "按2026.2方案重算", NOW, scheme_version="2026.2")
    again = client.get("/assessments/2026-10", query_string={"unit": TOWN_B}, headers=auth()).get_json()
    assert (again["scheme"]["version"], again["score"]["points"]) == ("2026.2", "7.43")
    with sv.uow() as uow:
        done = uow.supervision.recalculations("2026-10")
    assert [(r["scheme_version_before"], r["scheme_version"]) for r in done] == [
        ("2026.1", "2026.1"), ("2026.1", "2026.2")
    ]  # fmt: skip


def test_closing_refuses_an_unfinished_month_and_a_second_close(sv, feed):
    with pytest.raises(Conflict):
        months_of_record.close_month(sv.uow, sv.scheme, "2026-11", "张三", "未到月底", NOW)
    months_of_record.close_month(sv.uow, sv.scheme, "2026-10", "张三", "结算", NOW)
    with pytest.raises(Conflict):
        months_of_record.close_month(sv.uow, sv.scheme, "2026-10", "张三", "再次结算", NOW)
