"""Issue 15's breaks in evaluation, tried as an attacker would: each is now refused and changes nothing."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis.events import Envelope
from evaluation.adapters.tables import meetings, rounds, violations
from evaluation.service_layer.violations import NOTICE, RESCINDED, on_violation_notice, on_violation_rescinded
from services.evaluation.tests.conftest import COUNTY
from services.evaluation.tests.support import flat

COMMUNITY = "370783001001"  # p1's community, inside the county round's scope


def count(evaluation, table) -> int:
    with evaluation.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def state(evaluation, round_id) -> str:
    with evaluation.engine.connect() as conn:
        return conn.execute(sa.select(rounds.c.state).where(rounds.c.id == round_id)).scalar()


def test_a_community_evaluator_cannot_act_on_a_county_round(client, auth, evaluation, opened):
    community = auth(unit=COMMUNITY, sub="community-judge")
    assert client.get(f"/rounds/{opened}", headers=community).status_code == 200  # reading from below is allowed
    for action in ("close", "open"):
        r = client.post(f"/rounds/{opened}/{action}", headers=community)
        assert r.status_code == 403 and r.content_type == "application/problem+json"
        assert COUNTY not in r.get_data(as_text=True) and opened not in r.get_data(as_text=True)
    assert state(evaluation, opened) == "open"
    before = count(evaluation, meetings)
    body = {"title": "越权会议", "held_on": "2026-12-01", "bodies": ["cppcc"], "round_id": opened}
    assert client.post("/meetings", json=body, headers=community).status_code == 403
    assert count(evaluation, meetings) == before


def test_neither_an_admin_nor_the_reviewer_alone_can_publish(client, auth, evaluation, opened):
    both = auth(roles=("evaluator", "reviewer"), sub="judge2")  # scores, then tries to review their own round
    assert client.put(f"/rounds/{opened}/people/p1/official-rating", json=flat(7), headers=both).status_code == 201
    client.post(f"/rounds/{opened}/close", headers=auth())
    assert client.post(f"/rounds/{opened}/review", headers=auth(roles=("admin",), sub="boss")).status_code == 403
    refused = client.post(f"/rounds/{opened}/review", headers=both)
    assert refused.status_code == 403 and "You scored" in refused.get_json()["detail_en"]
    assert state(evaluation, opened) == "scoring_closed"
    reviewer = auth(roles=("reviewer",), sub="rev-a")
    assert client.post(f"/rounds/{opened}/review", headers=reviewer).status_code == 200
    assert client.post(f"/rounds/{opened}/publish", headers=reviewer).status_code == 403
    assert state(evaluation, opened) == "reviewed"


def notice(agency: str, notice_id: str, digest: str) -> Envelope:
    return Envelope.new(
        type=NOTICE,
        source="/tongxin/sharing-gateway",
        subject=digest,
        data={
            "notice_id": notice_id,
            "agency": agency,
            "received_at": "2026-06-02T00:00:00+00:00",
            "id_digest": digest,
            "case_reference": f"{agency}-case",
            "violation_type": "违法",
            "occurred_on": "2026-06-01",
            "authority": agency,
        },
    )


def rescission(agency: str, notice_id: str, original: str) -> Envelope:
    return Envelope.new(
        type=RESCINDED,
        source="/tongxin/sharing-gateway",
        subject=original,
        data={"notice_id": notice_id, "agency": agency, "original_notice_id": original, "reason": "撤销"},
    )


def apply(evaluation, handler, envelope) -> None:
    with Session(evaluation.engine) as s, s.begin():
        handler(s, envelope)


def test_the_same_notice_id_from_two_agencies_is_two_violations_and_rescinded_separately(evaluation, people):
    people()
    apply(evaluation, on_violation_notice, notice("court", "N-1", "p1".ljust(64, "0")))
    apply(evaluation, on_violation_notice, notice("public_security", "N-1", "p2".ljust(64, "0")))
    apply(evaluation, on_violation_notice, notice("court", "N-1", "p1".ljust(64, "0")))  # the court's retry
    with evaluation.engine.connect() as conn:
        rows = {r.agency: r.status for r in conn.execute(sa.select(violations.c.agency, violations.c.status))}
    assert rows == {"court": "in_force", "public_security": "in_force"}
    # The police rescind "their" N-1: only their own notice is lifted, the court's veto stands.
    apply(evaluation, on_violation_rescinded, rescission("public_security", "R-1", "N-1"))
    with evaluation.engine.connect() as conn:
        rows = {r.agency: r.status for r in conn.execute(sa.select(violations.c.agency, violations.c.status))}
    assert rows == {"court": "in_force", "public_security": "rescinded"}
    # And a rescission of a notice another agency sent lifts nothing.
    apply(evaluation, on_violation_rescinded, rescission("npc", "R-2", "N-1"))
    with evaluation.engine.connect() as conn:
        assert conn.execute(sa.select(violations.c.status).where(violations.c.agency == "court")).scalar() == (
            "in_force"
        )
