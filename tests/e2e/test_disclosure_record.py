"""A person's disclosure record end to end, over Kafka: a member registered in the registry reaches the
CPPCC's and the NPC's feeds, an urgent matter reaches public security's without any person id, an
editor reveals the member's ID number; the county auditor finds the member by ID number and gets a
signed report that lists exactly the entries the agencies' feeds hold about the member (cross-checked
against the feeds themselves), and the reveal."""

from __future__ import annotations

import io
import json
import re

import requests
from openpyxl import load_workbook
from sharing_gateway.domain import signing

from tests.e2e.conftest import HOME_A, feed, wait_for
from tests.e2e.test_scenarios import register

AGENCIES = ("court", "public_security", "npc", "cppcc")


def test_a_members_signed_report_lists_exactly_what_the_agencies_feeds_hold(as_staff, as_agency):
    registry = as_staff("registry", ("editor",))
    desk = as_staff("servicedesk", ("editor",))
    auditor = as_staff("sharing-gateway", ("auditor",), sub="e2e-auditor")
    person = register(registry, unit=HOME_A, roles=("cppcc", "npc"), name="钱披露")
    pid = person["id"]
    revealed = registry.get(f"/people/{pid}", params={"reveal": "id_number", "purpose": "核实身份信息"})
    assert revealed.status_code == 200 and revealed.json()["id_number"] == person["id_number"]
    body = {"person_id": pid, "category": "other", "title": "厂区纠纷", "description": "需应急联动",
            "handling_unit": HOME_A, "urgent": True, "urgent_summary": "厂区纠纷，需应急联动"}  # fmt: skip
    urgent = wait_for(lambda: (r := desk.post("/requests", json=body)).status_code == 201 and r.json(), 60, 0.3,
                      "the service desk knows the person")  # fmt: skip
    agencies = {a: as_agency(a) for a in AGENCIES}

    def held_about_person() -> dict[tuple[str, int], dict]:
        """What the agencies' feeds hold about the person: entries naming the person, and the urgent
        matter, which reached public security without any person id (found by its request id)."""

        def about(e):
            return e["data"].get("person_id") == pid or e["data"].get("request_id") == urgent["id"]

        return {(code, e["sequence"]): e for code, agency in agencies.items() for e in feed(agency, about)}

    held = wait_for(
        lambda: (h := held_about_person()) and {a for a, _ in h} >= {"cppcc", "npc", "public_security"} and h,
        60, 0.3, "the member in the CPPCC's, the NPC's and public security's feeds",
    )  # fmt: skip
    (incident,) = [e for e in held.values() if e["data"].get("request_id") == urgent["id"]]
    assert "person_id" not in incident["data"]

    found = auditor.post("/people/disclosures/by-id-number", json={"id_number": person["id_number"]})
    assert found.status_code == 200 and found.json() == {"person_id": pid, "record_ids": [pid]}

    def record() -> list[dict]:
        return auditor.get(f"/people/{pid}/disclosures", params={"limit": 200}).json()["items"]

    def settled():
        """The record and the feeds, read until they agree (each delivery and its record row are one
        transaction, so they do once deliveries stop arriving), and the reveal is in."""
        items, now_held = record(), held_about_person()
        shared = {(i["agency"], i["sequence"]) for i in items if i["kind"] == "disclosure"}
        return shared == set(now_held) and any(i["kind"] == "reveal" for i in items) and (items, now_held)

    items, held = wait_for(settled, 60, 0.5, "the record agrees with the feeds and holds the reveal")
    disclosed = {(i["agency"], i["sequence"]): i for i in items if i["kind"] == "disclosure"}
    assert set(disclosed) == set(held)
    for key, entry in held.items():
        assert disclosed[key]["fields"] == sorted(entry["data"])
        assert disclosed[key]["policy_version"] == entry["policyversion"]
        assert disclosed[key]["event_type"] == entry["type"]
    (reveal,) = [i for i in items if i["kind"] == "reveal"]
    assert reveal["fields"] == ["id_number"] and reveal["actor"] == "e2e-staff"

    report = auditor.get(f"/people/{pid}/disclosures/report", params={"format": "xlsx"})
    assert report.status_code == 200, report.text
    signature = json.loads(report.headers["Tongxin-Report-Signature"])
    keys = requests.get(auditor.base + "/.well-known/tongxin-feed-keys", timeout=30).json()["keys"]
    assert signing.verify_report(report.content, signature, keys) is None
    assert signature["person_id"] == pid and signature["period"] == "../.."
    changed = report.content[:-1] + bytes([report.content[-1] ^ 1])
    assert signing.verify_report(changed, signature, keys) is not None
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "个人信息处理与共享记录报告" and ("姓名（脱敏）", "钱*露") in [r[:2] for r in rows]
    header = next(i for i, r in enumerate(rows) if r[0] == "时间（北京时间）")
    shared = [r for r in rows[header + 1 :] if r[1] == "向机构共享"]
    in_report = {(re.search(r"（(\w+)）$", r[2]).group(1), r[10]) for r in shared}
    assert in_report == set(held)  # exactly the entries the agencies' feeds hold about the member
    assert [r[1] for r in rows[header + 1 :]].count("部门内查看敏感信息") == 1
    assert person["id_number"] not in json.dumps(rows, ensure_ascii=False, default=str)
