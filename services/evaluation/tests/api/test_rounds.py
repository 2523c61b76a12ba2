"""A round end to end through the API, on SQLite and PostgreSQL: scores, tokens, veto, meetings."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from evaluation.adapters.tables import ratings, tokens
from services.evaluation.tests.conftest import TOWN_A
from services.evaluation.tests.support import ITEMS, events, flat, rate_all


def test_a_round_from_opening_to_publication(client, auth, opened, evaluation):
    rate_all(client, auth, opened, {"p1": (9, 8, [7, 8]), "p2": (6, 6, [6]), "p3": (8, 9, [9])})
    assert client.post(f"/rounds/{opened}/close", headers=auth()).status_code == 200
    report = client.get(f"/rounds/{opened}/report", headers=auth()).get_json()
    rows = {r["person_id"]: r for r in report["rows"]}
    assert set(rows) == {"p1", "p2", "p3"}
    assert (rows["p1"]["official"], rows["p1"]["self"], rows["p1"]["public"], rows["p1"]["composite"]) == (
        "90.00",
        "80.00",
        "75.00",
        "83.50",
    )
    assert [r["person_id"] for r in report["rows"]] == ["p3", "p1", "p2"]
    assert rows["p2"]["status"] == "bottom"
    assert client.post(f"/rounds/{opened}/review", headers=auth()).status_code == 403  # an evaluator scored: no
    assert client.post(f"/rounds/{opened}/review", headers=auth(roles=("admin",))).status_code == 403
    reviewer, second = auth(roles=("reviewer",), sub="reviewer1"), auth(roles=("reviewer",), sub="reviewer2")
    assert client.post(f"/rounds/{opened}/review", headers=reviewer).get_json()["reviewed_by"] == "reviewer1"
    refused = client.post(f"/rounds/{opened}/publish", headers=reviewer)
    assert refused.status_code == 403 and "second reviewer" in refused.get_json()["detail_en"]
    assert client.post(f"/rounds/{opened}/publish", headers=second).get_json()["state"] == "published"
    scored = {d["person_id"]: d for _, d in events(evaluation, "person.scored.v1")}
    assert scored["p2"]["status"] == "bottom" and scored["p1"]["composite"] == "83.50" and scored["p1"]["rank"] == 2
    assert [t for t, _ in events(evaluation) if t.startswith("round.")] == [
        "round.opened.v1",
        "round.closed.v1",
        "round.published.v1",
    ]


def test_rounds_are_listed_within_scope(client, auth, opened):
    assert [r["id"] for r in client.get("/rounds", headers=auth()).get_json()] == [opened]
    assert [r["id"] for r in client.get("/rounds", headers=auth(unit=TOWN_A)).get_json()] == [opened]  # from above


def test_states_only_move_forward(client, auth, opened):
    assert client.post(f"/rounds/{opened}/open", headers=auth()).status_code == 409
    assert client.post(f"/rounds/{opened}/publish", headers=auth(roles=("reviewer",), sub="rev")).status_code == 409
    client.post(f"/rounds/{opened}/close", headers=auth())
    r = client.put(f"/rounds/{opened}/people/p1/official-rating", json=flat(5), headers=auth())
    assert r.status_code == 409


def test_a_town_evaluator_sees_and_rates_only_their_town(client, auth, opened):
    town = auth(unit=TOWN_A, sub="town-judge")
    assert client.put(f"/rounds/{opened}/people/p3/official-rating", json=flat(5), headers=town).status_code == 404
    assert client.put(f"/rounds/{opened}/people/p1/official-rating", json=flat(5), headers=town).status_code == 201
    assert (
        client.put(
            f"/rounds/{opened}/people/p1/official-rating", json=flat(5), headers=auth(roles=("viewer",))
        ).status_code
        == 403
    )


def test_bad_ratings_change_nothing(client, auth, opened, evaluation):
    bad = [{"scores": {ITEMS[0]: 5}}, {"scores": {**flat(5)["scores"], ITEMS[1]: 11}}, {"scores": "x"}, {}]
    for body in bad:
        r = client.put(f"/rounds/{opened}/people/p1/official-rating", json=body, headers=auth())
        assert r.status_code == 422 and r.mimetype == "application/problem+json"
    with evaluation.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ratings)).scalar() == 0


def test_token_abuse_is_refused_alike_and_changes_nothing(client, auth, opened, evaluation):
    issued = client.post(
        f"/rounds/{opened}/tokens", json={"person_id": "p1", "source": "public", "count": 3}, headers=auth()
    ).get_json()
    used, expired, late = (t["token"] for t in issued)
    assert client.post(f"/rate/{used}", json={**flat(7), "phone": "13800000001"}).status_code == 201
    with evaluation.engine.begin() as conn:
        conn.execute(
            tokens.update()
            .where(tokens.c.id == expired.split(".")[0])
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
        )
    forged = used.split(".")[0] + ".not-the-secret"
    attempts = {
        "reused": (used, "13800000002"),
        "expired": (expired, "13800000003"),
        "forged": (forged, "13800000004"),
        "unknown": ("deadbeefdeadbeef.secret", "13800000005"),
        "malformed": ("nonsense", "13800000006"),
    }
    for name, (token, phone) in attempts.items():
        r = client.post(f"/rate/{token}", json={**flat(3), "phone": phone})
        assert r.status_code == 401, name
        assert r.get_json()["detail"] == "评价码无效、已使用或已过期", name
    client.post(f"/rounds/{opened}/close", headers=auth())
    r = client.post(f"/rate/{late}", json={**flat(3), "phone": "13800000007"})
    assert r.status_code == 401  # out of round: the round is no longer open
    with evaluation.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(ratings)).scalar() == 1


def test_public_raters_are_deduplicated_by_phone_and_bursts_are_flagged(client, auth, opened, evaluation):
    issued = [
        t["token"]
        for t in client.post(
            f"/rounds/{opened}/tokens", json={"person_id": "p1", "source": "public", "count": 8}, headers=auth()
        ).get_json()
    ]
    assert client.post(f"/rate/{issued[0]}", json={**flat(9), "phone": "13900000000"}).status_code == 201
    assert client.post(f"/rate/{issued[1]}", json={**flat(9), "phone": "139-0000-0000"}).status_code == 409
    assert client.post(f"/rate/{issued[1]}", json=flat(9)).status_code == 422  # a public rater gives a phone
    for i, token in enumerate(issued[2:7]):
        assert client.post(f"/rate/{token}", json={**flat(0), "phone": f"1370000000{i}"}).status_code == 201
    with evaluation.engine.connect() as conn:
        flagged = conn.execute(sa.select(sa.func.count()).where(ratings.c.flagged.is_(True))).scalar()
    assert flagged == 5
    client.put(f"/rounds/{opened}/people/p1/official-rating", json=flat(9), headers=auth())
    client.post(f"/rounds/{opened}/close", headers=auth())
    row = next(
        r for r in client.get(f"/rounds/{opened}/report", headers=auth()).get_json()["rows"] if r["person_id"] == "p1"
    )
    assert row["public"] == "90.00"  # the five flagged zeros are left out


def test_the_veto_fails_the_best_and_rescission_lifts_it(client, auth, opened, evaluation):
    rate_all(client, auth, opened, {"p1": (10, 10, [10]), "p2": (6, 6, [6]), "p3": (8, 8, [8])})
    client.post(f"/rounds/{opened}/close", headers=auth())
    r = client.post(
        "/people/p1/violations",
        json={
            "case_reference": "(2026)鲁0783刑初12号",
            "violation_type": "刑事判决",
            "occurred_on": "2026-05-01",
            "authority": "寿光市人民法院",
            "evidence_ref": "判决书扫描件 A-12",
        },
        headers=auth(),
    )
    assert r.status_code == 201
    violation_id = r.get_json()["id"]
    rows = {x["person_id"]: x for x in client.get(f"/rounds/{opened}/report", headers=auth()).get_json()["rows"]}
    assert (rows["p1"]["status"], rows["p1"]["rank"]) == ("vetoed", None)
    assert rows["p3"]["rank"] == 1
    applied = events(evaluation, "veto.applied.v1")
    assert [d["person_id"] for _, d in applied] == ["p1"] and "寿光市人民法院" in applied[0][1]["reason"]
    assert (
        client.post(f"/violations/{violation_id}/rescind", json={"reason": "二审改判无罪"}, headers=auth()).status_code
        == 200
    )
    rows = {x["person_id"]: x for x in client.get(f"/rounds/{opened}/report", headers=auth()).get_json()["rows"]}
    assert (rows["p1"]["status"], rows["p1"]["rank"]) == ("ranked", 1)
    assert [d["person_id"] for _, d in events(evaluation, "veto.lifted.v1")] == ["p1"]
    assert (
        client.post(f"/violations/{violation_id}/rescind", json={"reason": "again"}, headers=auth()).status_code == 409
    )


def test_joint_meeting_decisions_need_a_justification_to_override(client, auth, opened, evaluation):
    rate_all(client, auth, opened, {"p1": (9, 9, [9]), "p2": (5, 5, [5]), "p3": (8, 8, [8])})
    client.post(f"/rounds/{opened}/close", headers=auth())
    meeting = client.post(
        "/meetings",
        json={
            "title": "2026年联席评价会议",
            "held_on": "2026-12-20",
            "bodies": ["npc", "cppcc", "united_front"],
            "round_id": opened,
        },
        headers=auth(),
    ).get_json()
    url = f"/meetings/{meeting['id']}/decisions"
    r = client.post(url, json={"person_id": "p2", "decision": "retain", "reason": "新任不满一年"}, headers=auth())
    assert r.status_code == 422 and r.get_json()["computed_status"] == "bottom"
    r = client.post(
        url,
        json={"person_id": "p2", "decision": "revoke_membership_recommendation", "reason": "评价末位，履职不力"},
        headers=auth(),
    )
    assert r.status_code == 201 and r.get_json()["computed_status"] == "bottom"
    revocation_id = r.get_json()["id"]
    r = client.post(url, json={"person_id": "p1", "decision": "warning", "reason": "会议缺席较多"}, headers=auth())
    assert r.status_code == 201
    revoked = events(evaluation, "representative.qualification_revoked.v1")
    assert [(d["person_id"], d["body"], d["meeting_id"], d["decision_id"]) for _, d in revoked] == [
        ("p2", "cppcc", meeting["id"], revocation_id)  # the registry names the decision when it refuses the role
    ]
    assert [d["person_id"] for _, d in events(evaluation, "representative.warned.v1")] == ["p1"]
    assert len(client.get(f"/meetings/{meeting['id']}", headers=auth()).get_json()["decisions"]) == 2
    # The same revocation posted again (a double click, a retry): a 409 naming the decision taken, nothing announced
    again = {"person_id": "p2", "decision": "revoke_membership_recommendation", "reason": "评价末位，履职不力"}
    r = client.post(url, json=again, headers=auth())
    assert r.status_code == 409 and r.mimetype == "application/problem+json"
    refused = r.get_json()
    assert (refused["decision_id"], refused["decision"]) == (revocation_id, "revoke_membership_recommendation")
    assert "已就该人员" in refused["detail"] and "already decided" in refused["detail_en"]
    assert len(events(evaluation, "representative.qualification_revoked.v1")) == 1
    assert len(client.get(f"/meetings/{meeting['id']}", headers=auth()).get_json()["decisions"]) == 2
