"""The platform's promises end to end, through the public HTTP APIs of the running services:
the veto loop and its rescission, the service loop with an SLA breach and an urgent matter,
and a person's move between towns."""

from __future__ import annotations

import hashlib
import uuid

from sharing_gateway import notice_sender

from tests.e2e.conftest import COUNTY, HOME_A, HOME_B, TOWN_A, TOWN_B, feed, new_person, wait_for

ITEMS = None


def items(evaluation) -> list[str]:
    return [i["code"] for c in evaluation.get("/index-templates/default/1").json()["categories"] for i in c["items"]]


def register(registry, **kw) -> dict:
    body = new_person(**kw)
    r = registry.post("/people", json=body)
    assert r.status_code == 201, r.text
    return {**r.json(), "id_number": body["id_number"]}  # the response shows it masked


def test_the_veto_loop_and_its_rescission(as_staff, as_agency):
    registry, evaluation = as_staff("registry", ("editor",)), as_staff("evaluation", ("evaluator",))
    person = register(registry, roles=("cppcc",))
    pid = person["id"]
    wait_for(lambda: evaluation.get(f"/people/{pid}").status_code == 200, 60, 0.3, "evaluation learns the person")
    round_id = evaluation.post(
        "/rounds",
        json={"name": f"端到端评价{uuid.uuid4().hex[:4]}", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
    ).json()["id"]
    assert evaluation.post(f"/rounds/{round_id}/open").status_code == 200
    court, cppcc, police = as_agency("court"), as_agency("cppcc"), as_agency("public_security")
    codes = items(evaluation)
    scores = {"scores": {c: 9 for c in codes}}
    assert evaluation.put(f"/rounds/{round_id}/people/{pid}/official-rating", json=scores).status_code == 201
    (self_token,) = evaluation.post(f"/rounds/{round_id}/tokens", json={"person_id": pid, "source": "self"}).json()
    assert evaluation.post(f"/rate/{self_token['token']}", json=scores).status_code == 201
    (public,) = evaluation.post(f"/rounds/{round_id}/tokens", json={"person_id": pid, "source": "public"}).json()
    assert evaluation.post(f"/rate/{public['token']}", json={**scores, "phone": "13912345678"}).status_code == 201
    assert evaluation.post(f"/rounds/{round_id}/close").status_code == 200

    notice_id = f"E2E-{uuid.uuid4().hex[:8]}"
    notice = {
        "specversion": "1.0",
        "id": notice_id,
        "type": "cn.tongxin.notice.violation.v1",
        "source": "/court/shouguang",
        "data": {
            "id_number": person["id_number"],
            "case_reference": "(2026)鲁0783刑初99号",
            "violation_type": "刑事犯罪",
            "occurred_on": "2026-08-01",
            "authority": "寿光市人民法院",
        },
    }
    # The CPPCC hearing of its new member proves the gateway knows the person before the court writes.
    wait_for(lambda: feed(cppcc, lambda e: e["data"].get("person_id") == pid), 60, 0.3, "the gateway knows the person")
    receipt = court.send_notice(notice)
    assert receipt.status_code == 201, receipt.text
    signed_content = notice_sender.content(notice)  # what the court's key signed
    assert receipt.json()["data"]["content_sha256"] == hashlib.sha256(signed_content).hexdigest()
    assert "matched" not in receipt.json()["data"]  # the receipt never says whether the person is known

    def status() -> str:
        rows = evaluation.get(f"/rounds/{round_id}/report").json()["rows"]
        return next(r["status"] for r in rows if r["person_id"] == pid)

    wait_for(lambda: status() == "vetoed", 60, 0.3, "the veto")
    meeting = evaluation.post(
        "/meetings", json={"title": "联席评价", "held_on": "2026-12-20", "bodies": ["cppcc"], "round_id": round_id}
    ).json()
    decided = evaluation.post(
        f"/meetings/{meeting['id']}/decisions",
        json={"person_id": pid, "decision": "revoke_membership_recommendation", "reason": "一票否决"},
    )
    assert decided.status_code == 201
    wait_for(lambda: registry.get(f"/people/{pid}").json()["representative_roles"] == [], 60, 0.3,
             "the registry drops the CPPCC role")  # fmt: skip

    about_notice = lambda e: e["data"].get("notice_id") == notice_id  # noqa: E731
    about_person = lambda e: e["data"].get("person_id") == pid  # noqa: E731
    court_feed = wait_for(lambda: (f := feed(court, about_notice)) and len(f) >= 2 and f, 60, 0.3, "court feed")
    assert [e["type"].split(".")[-2] for e in court_feed] == ["receipt", "applied"]
    revoked = wait_for(
        lambda: [e for e in feed(cppcc, about_person) if e["type"].endswith("qualification_revoked.v1")], 60, 0.3,
        "the CPPCC hears of the revocation",
    )  # fmt: skip
    assert revoked[0]["data"]["decision"] == "revoke_membership_recommendation"
    assert feed(police, lambda e: about_person(e) or about_notice(e)) == []

    # The court rescinds on appeal: the veto lifts in evaluation and the court's feed says so.
    rescind = {**notice, "id": notice_id + "-R", "type": "cn.tongxin.notice.violation_rescinded.v1",
               "data": {"original_notice_id": notice_id, "reason": "二审改判无罪"}}  # fmt: skip
    assert court.send_notice(rescind).status_code == 201
    wait_for(lambda: status() != "vetoed", 60, 0.3, "the veto lifts")
    # The lifted veto answers the rescission notice, which names the original.
    about_rescission = lambda e: e["data"].get("notice_id") == notice_id + "-R"  # noqa: E731
    lifted = wait_for(lambda: (f := feed(court, about_rescission)) and len(f) >= 2 and f, 60, 0.3, "the lifted veto")
    assert [e["type"].split(".")[-2] for e in lifted] == ["receipt", "lifted"]


def test_the_service_loop_with_a_breach_and_an_urgent_matter(as_staff, as_agency):
    registry = as_staff("registry", ("editor",))
    desk, admin = as_staff("servicedesk", ("editor",)), as_staff("servicedesk", ("admin",))
    person = register(registry, unit=HOME_A, name="赵紧急")
    category = f"e2e{uuid.uuid4().hex[:6]}"
    tiny = {p: {"response_days": "0.00002", "resolution_days": "0.0001"} for p in ("normal", "high", "urgent")}
    assert admin.put(f"/request-categories/{category}", json={"name_zh": "端到端", "name_en": "E2E", "sla": tiny}).ok
    body = {
        "person_id": person["id"],
        "category": category,
        "title": "入学咨询",
        "description": "孩子入学问题",
        "handling_unit": HOME_A,
    }
    created = wait_for(lambda: (r := desk.post("/requests", json=body)).status_code == 201 and r.json(), 60, 0.3,
                       "the service desk knows the person")  # fmt: skip
    rid = created["id"]
    breached = wait_for(lambda: (r := desk.get(f"/requests/{rid}").json())["breached"] and r, 30, 0.5, "the SLA breach")
    assert breached["escalations"] >= 1 and breached["handling_unit"] != HOME_A
    for action, extra in [("accept", {}), ("start", {}), ("wait", {"note": "等材料"}), ("resume", {}),
                          ("resolve", {"note": "办结"}), ("reopen", {"note": "未落实"}), ("start", {}),
                          ("resolve", {"note": "已落实"}), ("close", {"satisfaction": 5})]:  # fmt: skip
        r = desk.post(f"/requests/{rid}/{action}", json=extra)
        assert r.status_code == 200, (action, r.text)
    history = [h["action"] for h in desk.get(f"/requests/{rid}").json()["history"]]
    assert history[0] == "submit" and "response_breach" in history and history[-1] == "close"

    urgent = desk.post(
        "/requests", json={**body, "category": "other", "urgent": True, "urgent_summary": "厂区纠纷，需应急联动"}
    )
    assert urgent.status_code == 201
    police = as_agency("public_security")
    incident = wait_for(lambda: feed(police, lambda e: e["data"].get("request_id") == urgent.json()["id"]), 60, 0.3,
                        "public security's feed")  # fmt: skip
    # No category: a "medical" one would tell public security about a member's health.
    assert set(incident[0]["data"]) == {"request_id", "name_masked", "unit_code", "summary", "reported_at"}
    assert incident[0]["data"]["name_masked"] == "赵*急"
    assert all(
        feed(as_agency(a), lambda e: e["data"].get("request_id") == urgent.json()["id"]) == []
        for a in ("court", "cppcc", "npc")
    )


def test_a_move_takes_access_from_the_old_town_to_the_new_in_every_service(as_staff):
    registry = as_staff("registry", ("editor",))
    person = register(registry, unit=HOME_A, roles=("npc",))
    pid = person["id"]
    desk = as_staff("servicedesk", ("editor",))
    ask = {"person_id": pid, "category": "policy", "title": "政策咨询", "description": "惠企政策"}
    rid = wait_for(
        lambda: (r := desk.post("/requests", json=ask)).status_code == 201 and r.json()["id"], 60, 0.3, "desk"
    )
    evaluation = as_staff("evaluation", ("viewer",))
    wait_for(lambda: evaluation.get(f"/people/{pid}").status_code == 200, 60, 0.3, "evaluation")

    def seen_by(unit: str) -> dict:
        return {
            "registry": as_staff("registry", ("viewer",), unit).get(f"/people/{pid}").status_code,
            "evaluation": as_staff("evaluation", ("viewer",), unit).get(f"/people/{pid}").status_code,
            "servicedesk": as_staff("servicedesk", ("viewer",), unit).get(f"/requests/{rid}").status_code,
        }

    assert seen_by(TOWN_A) == {"registry": 200, "evaluation": 200, "servicedesk": 200}
    assert seen_by(TOWN_B) == {"registry": 404, "evaluation": 404, "servicedesk": 404}
    version = registry.get(f"/people/{pid}").headers["ETag"]
    moved = registry.post(f"/people/{pid}/move", json={"unit_code": HOME_B}, headers={"If-Match": version})
    assert moved.status_code == 200, moved.text
    wait_for(lambda: seen_by(TOWN_B) == {"registry": 200, "evaluation": 200, "servicedesk": 200}, 60, 0.3, "new town")
    assert seen_by(TOWN_A) == {"registry": 404, "evaluation": 404, "servicedesk": 404}
    assert seen_by(COUNTY[:6] + "000000")["registry"] == 200
