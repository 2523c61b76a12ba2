"""Issue 15's breaks in evaluation, tried as an attacker would: each is now refused and changes nothing."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis.contracts.gateway import VIOLATION_NOTICE as NOTICE
from chassis.contracts.gateway import VIOLATION_RESCINDED as RESCINDED
from chassis.events import Envelope
from chassis.unit_of_work import joined
from evaluation.adapters.tables import meetings, ratings, rounds, tokens, violations
from evaluation.service_layer.violations import on_violation_notice, on_violation_rescinded
from services.evaluation.tests.conftest import COUNTY
from services.evaluation.tests.support import events, flat
from tests.support.people import person_event

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
    with Session(evaluation.engine) as s, s.begin():  # as the worker's consumer runner does
        joined(evaluation.uow, handler)(s, envelope)


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


def public_token(client, auth, round_id, person="p1") -> str:
    r = client.post(f"/rounds/{round_id}/tokens", json={"person_id": person, "source": "public"}, headers=auth())
    return r.get_json()[0]["token"]


def test_one_phone_typed_another_way_is_still_one_rater(client, auth, evaluation, opened):
    first = client.post(f"/rate/{public_token(client, auth, opened)}", json={**flat(8), "phone": "13800138000"})
    assert first.status_code == 201
    for disguise in ("+86 138-0013-8000", "１３８００１３８０００", "008613800138000"):
        r = client.post(f"/rate/{public_token(client, auth, opened)}", json={**flat(8), "phone": disguise})
        assert r.status_code == 409, disguise
    bad = client.post(f"/rate/{public_token(client, auth, opened)}", json={**flat(8), "phone": "99913800138000"})
    assert bad.status_code == 422 and bad.get_json()["field"] == "phone"
    with evaluation.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ratings)).scalar() == 1


def test_the_rater_address_is_kept_as_its_network_only(client, auth, evaluation, opened):
    token = public_token(client, auth, opened)
    r = client.post(
        f"/rate/{token}",
        json={**flat(6), "phone": "13900000001"},
        headers={"X-Forwarded-For": "8.8.8.8"},  # not believed: no trusted proxy in front
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
    )
    assert r.status_code == 201
    with evaluation.engine.connect() as conn:
        assert conn.execute(sa.select(ratings.c.origin)).scalar() == "198.51.100.0/24"


def test_token_issuance_is_capped_by_the_cohort(client, auth, evaluation, opened):
    self_token = {"person_id": "p1", "source": "self"}
    assert client.post(f"/rounds/{opened}/tokens", json=self_token, headers=auth()).status_code == 201
    assert client.post(f"/rounds/{opened}/tokens", json=self_token, headers=auth()).status_code == 409
    cap = evaluation.settings.public_tokens_per_member
    many = {"person_id": "p2", "source": "public", "count": 150}
    assert client.post(f"/rounds/{opened}/tokens", json=many, headers=auth()).status_code == 201
    refused = client.post(f"/rounds/{opened}/tokens", json=many, headers=auth())
    assert refused.status_code == 409 and refused.get_json()["cap"] == cap
    outsider = {"person_id": "p4", "source": "public", "count": 1}  # p4 is not in the cohort
    assert client.post(f"/rounds/{opened}/tokens", json=outsider, headers=auth()).status_code == 404
    with evaluation.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(tokens)).scalar() == 151


VIOLATION = {"case_reference": "法院(2026)1号", "violation_type": "刑事", "occurred_on": "2026-03-01",
             "authority": "县法院", "evidence_ref": "doc"}  # fmt: skip


def statuses(client, auth, round_id) -> dict:
    return {
        x["person_id"]: x["status"] for x in client.get(f"/rounds/{round_id}/report", headers=auth()).get_json()["rows"]
    }


def test_a_community_evaluator_cannot_rewrite_a_published_county_round_through_violations(
    client, auth, evaluation, opened
):
    vid = client.post("/people/p1/violations", json=VIOLATION, headers=auth()).get_json()["id"]
    client.post(f"/rounds/{opened}/close", headers=auth())
    assert client.post(f"/rounds/{opened}/review", headers=auth(roles=("reviewer",), sub="rev1")).status_code == 200
    assert client.post(f"/rounds/{opened}/publish", headers=auth(roles=("reviewer",), sub="rev2")).status_code == 200
    before, outbox_before = statuses(client, auth, opened), len(events(evaluation))
    assert before["p1"] == "vetoed" and before["p2"] != "vetoed"
    community = auth(unit=COMMUNITY, sub="community-judge")
    lifted = client.post(f"/violations/{vid}/rescind", json={"reason": "我说了算"}, headers=community)
    vetoed = client.post("/people/p2/violations", json=VIOLATION, headers=community)
    assert (lifted.status_code, vetoed.status_code) == (403, 403)
    assert lifted.content_type == "application/problem+json" and COUNTY not in lifted.get_data(as_text=True)
    # the county itself may not quietly rewrite its published round either: that takes the agency's own notice
    county = client.post(f"/violations/{vid}/rescind", json={"reason": "复核"}, headers=auth())
    assert county.status_code == 409 and county.get_json()["round_state"] == "published"
    assert statuses(client, auth, opened) == before and len(events(evaluation)) == outbox_before
    assert count(evaluation, violations) == 1


def test_staff_cannot_lift_an_agency_notice(client, auth, evaluation, people):
    people(person_event("p9", digest="d" * 64))
    apply(evaluation, on_violation_notice, notice("court", "N-7", "d" * 64))
    with evaluation.engine.connect() as conn:
        vid = conn.execute(sa.select(violations.c.id).where(violations.c.agency == "court")).scalar()
    r = client.post(f"/violations/{vid}/rescind", json={"reason": "工作人员撤销"}, headers=auth())
    assert r.status_code == 403 and "only by that agency" in r.get_json()["detail_en"]
    with evaluation.engine.connect() as conn:
        assert conn.execute(sa.select(violations.c.status).where(violations.c.id == vid)).scalar() == "in_force"


def test_a_community_evaluator_cannot_revoke_a_county_cppcc_seat(client, auth, evaluation, opened):
    community = auth(unit=COMMUNITY, sub="community-judge")
    revoke = {"person_id": "p1", "decision": "revoke_membership_recommendation", "body": "cppcc", "reason": "社区决定"}
    loose = client.post(
        "/meetings", json={"title": "社区会", "held_on": "2026-06-01", "bodies": ["cppcc"]}, headers=community
    )
    assert loose.status_code == 201  # a meeting of its own: talks and retentions only
    r = client.post(f"/meetings/{loose.get_json()['id']}/decisions", json=revoke, headers=community)
    assert r.status_code == 422 and r.get_json()["field"] == "decision"
    warn = client.post(f"/meetings/{loose.get_json()['id']}/decisions", json={**revoke, "decision": "warning"},
                       headers=community)  # fmt: skip
    assert warn.status_code == 422
    # the community's own round: p1's seat is a county one, so its meeting cannot revoke it either
    own = client.post("/rounds", json={"name": "社区评价", "scope_unit": COMMUNITY, "starts_on": "2026-01-01",
                                       "ends_on": "2026-12-31"}, headers=community).get_json()["id"]  # fmt: skip
    client.post(f"/rounds/{own}/open", headers=community)
    client.post(f"/rounds/{own}/close", headers=community)
    meeting = client.post("/meetings", json={"title": "社区评价会", "held_on": "2026-12-01", "bodies": ["cppcc"],
                                             "round_id": own}, headers=community).get_json()  # fmt: skip
    justified = {**revoke, "override_justification": "社区认为应当撤销其委员推荐"}
    r = client.post(f"/meetings/{meeting['id']}/decisions", json=justified, headers=community)
    assert r.status_code == 403 and r.content_type == "application/problem+json"
    assert events(evaluation, "representative.qualification_revoked.v1") == []
    assert events(evaluation, "representative.warned.v1") == []
