"""Stability information (涉稳信息反馈) end to end over Kafka: staff report a severe matter in the
service desk; public security's feed receives it with exactly the fields its policy grants (no
category, nobody named); the police answer with signed notices (received, handling, closed) that
the gateway passes on and the service desk applies to the report and its timeline. A general
report reaches nobody."""

from __future__ import annotations

import uuid

from tests.e2e.conftest import HOME_A, TOWN_A, feed, new_person, wait_for

GRANTED = {"report_id", "unit_code", "occurred_at", "reported_at", "people_involved", "summary"}


def test_a_severe_report_reaches_public_security_and_is_closed_by_its_notice(as_staff, as_agency):
    registry = as_staff("registry", ("editor",))
    person = registry.post("/people", json=new_person(unit=HOME_A, name="钱涉稳"))
    assert person.status_code == 201, person.text
    desk = as_staff("servicedesk", ("editor",), TOWN_A)
    body = {
        "unit_code": HOME_A,
        "place": "某寺庙前广场",
        "occurred_at": "2026-11-27T09:00:00+08:00",
        "category": "religious",
        "severity": "severe",
        "summary": "宗教活动场所用地纠纷，钱涉稳等人聚集，情绪激动。",
        "police_summary": "寺庙前广场约60人聚集，情绪激动，请求派警力维持秩序",
        "person_ids": [person.json()["id"]],
        "others_count": 59,
    }
    created = wait_for(lambda: (r := desk.post("/stability-reports", json=body)).status_code == 201 and r.json(), 60,
                       0.3, "the service desk knows the person")  # fmt: skip
    report_id = created["id"]
    general = desk.post("/stability-reports", json={**body, "severity": "general", "police_summary": None})
    assert general.status_code == 201

    police = as_agency("public_security")
    about = lambda rid: lambda e: e["data"].get("report_id") == rid  # noqa: E731
    (entry,) = wait_for(lambda: feed(police, about(report_id)), 60, 0.3, "public security's feed")
    assert entry["type"] == "cn.tongxin.servicedesk.stability.severe_reported.v1"
    assert set(entry["data"]) == GRANTED and entry["data"]["people_involved"] == 60
    assert "religious" not in str(entry) and person.json()["id"] not in str(entry)
    for agency in ("court", "cppcc", "npc"):
        assert feed(as_agency(agency), about(report_id)) == []
    assert feed(police, about(general.json()["id"])) == []  # not severe: shared with nobody

    for kind, extra in [("received", {"case_reference": "寿公(2026)118号"}), ("handling", {"summary": "已派员到场"}),
                        ("closed", {"summary": "人员已疏散，事态平息"})]:  # fmt: skip
        notice = {
            "specversion": "1.0",
            "id": f"GA-{uuid.uuid4().hex[:8]}",
            "type": f"cn.tongxin.notice.stability_{kind}.v1",
            "source": "/public_security/shouguang",
            "data": {"report_id": report_id, **extra},
        }
        receipt = police.send_notice(notice)
        assert receipt.status_code == 201, receipt.text

    closed = wait_for(lambda: (r := desk.get(f"/stability-reports/{report_id}").json())["state"] == "closed" and r,
                      60, 0.3, "the police's notices applied")  # fmt: skip
    assert closed["police_reference"] == "寿公(2026)118号"
    assert [(e["actor"], e["to_state"]) for e in closed["timeline"]] == [
        ("e2e-staff", "received"),
        ("agency:public_security", "received"),
        ("agency:public_security", "handling"),
        ("agency:public_security", "closed"),
    ]
    export = desk.get("/stability-reports/export", params={"state": "closed"}).json()
    assert report_id in [row["report_id"] for row in export["items"]]
