"""The review of issue 15's gateway findings, tried again on the running platform: a paused court
cannot post a notice (and can again once resumed); a town's auditor sees none of the county's
agencies and cannot read the county's ledger verdict. (A notice about a person of another county
is tried in the gateway's own tests: the platform's registry holds only the county's units.)"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from tests.e2e.conftest import TOWN_A, engine_of, is_problem, wait_for
from tests.e2e.test_scenarios import register


def violation(person: dict, notice_id: str) -> dict:
    return {"specversion": "1.0", "id": notice_id, "type": "cn.tongxin.notice.violation.v1", "source": "/court",
            "data": {"id_number": person["id_number"], "case_reference": "(2026)鲁0783刑初7号",
                     "violation_type": "违法", "occurred_on": "2026-08-01", "authority": "寿光市人民法院"}}  # fmt: skip


def test_a_paused_agency_posts_nothing_and_a_town_sees_nothing_of_the_county(platform, as_staff, as_agency):
    court, gateway_admin = as_agency("court"), as_staff("sharing-gateway", ("gateway_admin",), sub="gw-e2e")
    person, notice_id = register(as_staff("registry", ("editor",))), f"P-{uuid.uuid4().hex[:8]}"
    gateway_db = engine_of(platform, "sharing-gateway")
    count = sa.text("SELECT count(*) FROM inbound_notices WHERE notice_id = :n")
    assert gateway_admin.post("/agencies/court/pause", json={"reason": "端到端"}).status_code == 200
    try:
        assert is_problem(court.send_notice(violation(person, notice_id)), 403)
        with gateway_db.connect() as conn:
            assert conn.execute(count, {"n": notice_id}).scalar() == 0
    finally:
        assert gateway_admin.post("/agencies/court/resume", json={}).status_code == 200
    assert court.send_notice(violation(person, notice_id)).status_code == 201
    evaluation_db = engine_of(platform, "evaluation")
    seen = sa.text("SELECT count(*) FROM violations WHERE agency = 'court' AND notice_id = :n")

    def arrived() -> bool:
        with evaluation_db.connect() as conn:
            return conn.execute(seen, {"n": notice_id}).scalar() == 1

    wait_for(arrived, 60, 0.3, "the notice sent after the resume, in evaluation")
    gateway_db.dispose()
    evaluation_db.dispose()

    town = as_staff("sharing-gateway", ("auditor",), unit=TOWN_A, sub="town-auditor")
    assert town.get("/agencies").json() == [] and town.get("/ledger").json() == []
    assert is_problem(town.get("/ledger/verify"), 403)
