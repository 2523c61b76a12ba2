"""The qualification loop end to end (资格闭环), over Kafka: a CPPCC member a joint meeting revoked
is refused when staff try to give the role back, naming the decision and the day it ends; and the
CPPCC's own signed notice that a membership ended removes the role in the registry."""

from __future__ import annotations

import uuid

from tests.e2e.conftest import new_person, wait_for


def register(registry, **kw) -> dict:
    body = new_person(**kw)
    r = registry.post("/people", json=body)
    assert r.status_code == 201, r.text
    return {**r.json(), "id_number": body["id_number"]}


def roles_of(registry, pid) -> list[str]:
    return [r["body"] for r in registry.get(f"/people/{pid}").json()["representative_roles"]]


def test_a_revoked_cppcc_member_is_refused_and_a_membership_ended_notice_removes_the_role(as_staff, as_agency):
    registry, evaluation = as_staff("registry", ("editor",)), as_staff("evaluation", ("evaluator",))
    revoked, leaving = register(registry, roles=("cppcc",)), register(registry, roles=("cppcc",))
    for person in (revoked, leaving):
        wait_for(lambda p=person: evaluation.get(f"/people/{p['id']}").status_code == 200, 60, 0.3, "evaluation")
    round_id = evaluation.post(
        "/rounds",
        json={"name": f"资格闭环{uuid.uuid4().hex[:4]}", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
    ).json()["id"]
    assert evaluation.post(f"/rounds/{round_id}/open").status_code == 200
    assert evaluation.post(f"/rounds/{round_id}/close").status_code == 200
    meeting = evaluation.post(
        "/meetings", json={"title": "联席评价", "held_on": "2026-12-20", "bodies": ["cppcc"], "round_id": round_id}
    ).json()
    decided = evaluation.post(
        f"/meetings/{meeting['id']}/decisions",
        json={"person_id": revoked["id"], "body": "cppcc", "decision": "revoke_membership_recommendation",
              "reason": "履职不力", "override_justification": "联席会议审议认定履职严重不力"},
    )  # fmt: skip
    assert decided.status_code == 201, decided.text
    wait_for(lambda: roles_of(registry, revoked["id"]) == [], 60, 0.3, "the registry drops the CPPCC role")

    current = registry.get(f"/people/{revoked['id']}")
    again = {"roles": [{"body": "cppcc", "level": "county"}], "reason": "换届", "vetting_basis": "本届考察合格"}
    refused = registry.put(f"/people/{revoked['id']}/representative-roles", json=again,
                           headers={"If-Match": current.headers["ETag"]})  # fmt: skip
    assert refused.status_code == 409, refused.text
    assert refused.json()["decision_id"] == decided.json()["id"] and decided.json()["id"] in refused.json()["detail"]
    assert registry.get(f"/people/{revoked['id']}").json()["version"] == current.json()["version"]

    cppcc = as_agency("cppcc")
    notice = {
        "specversion": "1.0",
        "id": f"E2E-END-{uuid.uuid4().hex[:8]}",
        "type": "cn.tongxin.notice.membership_ended.v1",
        "source": "/cppcc/shouguang",
        "data": {"id_number": leaving["id_number"], "body": "cppcc", "level": "county", "effective_on": "2026-12-01"},
    }
    receipt = cppcc.send_notice(notice)
    assert receipt.status_code == 201, receipt.text
    wait_for(lambda: roles_of(registry, leaving["id"]) == [], 60, 0.3, "the notice removes the CPPCC role")
    history = registry.get(f"/people/{leaving['id']}/history").json()
    assert [h["actor"] for h in history if h["action"] == "representative_changed"][-1] == "notice:cppcc"
