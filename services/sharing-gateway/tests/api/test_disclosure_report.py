"""A person's signed disclosure report on SQLite and PostgreSQL: readable in Chinese (the catalogue's
names of event types and fields), signed over a statement that names the file's SHA-256, the person,
the period, when and by whom (one changed byte breaks it; a feed entry's signature by the same key
never passes for a report's), and checked by ``gateway-admin verify-report`` against the key in
force when it was made."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook
from sharing_gateway.domain import signing
from sharing_gateway.entrypoints import admin
from sharing_gateway.entrypoints.api.disclosure_records import SIGNATURE_HEADER

from .. import conftest as c
from .feed_helpers import feed, member_event
from .test_disclosure_records import RECORD, incident, lookups, processed

REPORT = f"{RECORD}/report"


def table_of(data: bytes) -> tuple[dict, list[tuple]]:
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    header = rows.index(next(row for row in rows if row[0] == "时间（北京时间）"))
    return {row[0]: row[1] for row in rows[1:header] if row and row[0]}, rows[header + 1 :]


def verify_report(gateway, monkeypatch, tmp_path, content: bytes, signature: str) -> int:
    (tmp_path / "report.xlsx").write_bytes(content)
    (tmp_path / "report.sig").write_text(signature)
    c.operator_environment(gateway, monkeypatch)
    return admin.main(["verify-report", str(tmp_path / "report.xlsx"), str(tmp_path / "report.sig")])


def test_the_report_is_signed_and_one_changed_byte_breaks_it(client, gateway, staff, consume, monkeypatch, tmp_path,
                                                             capsys):  # fmt: skip
    consume(member_event("p1"), incident("p1"), processed("p1", channel="export", fields=("birth_date", "id_number")))
    r = client.get(REPORT, query_string={"format": "xlsx", "since": "2026-01-01T00:00:00Z"}, headers=staff("auditor"))
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    signature = json.loads(r.headers[SIGNATURE_HEADER])
    assert (signature["person_id"], signature["period"], signature["generated_by"]) == (
        "p1", "2026-01-01T00:00:00+00:00/..", "auditor1"
    )  # fmt: skip
    keys = client.get("/.well-known/tongxin-feed-keys").get_json()["keys"]
    assert signing.verify_report(r.data, signature, keys) is None
    changed = bytearray(r.data)
    changed[len(changed) // 2] ^= 0x01
    assert signing.verify_report(bytes(changed), signature, keys) is not None
    assert signing.verify_report(r.data, {**signature, "person_id": "p2"}, keys) is not None  # the claims are signed

    intro, table = table_of(r.data)
    assert intro["姓名（脱敏）"] == "王*明" and intro["记录条数"] == 3 and "auditor1" in intro["生成人"]
    assert sorted(row[1] for row in table) == ["向机构共享", "向机构共享", "部门内导出敏感信息"]
    rows = list(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "个人信息处理与共享记录报告"
    assert "王小明" not in json.dumps(rows, ensure_ascii=False, default=str)  # the name only masked
    assert client.get(REPORT, query_string={"format": "pdf"}, headers=staff("auditor")).status_code == 422

    assert verify_report(gateway, monkeypatch, tmp_path, r.data, r.headers[SIGNATURE_HEADER]) == 0
    printed = capsys.readouterr().out
    assert all(f"{claim}: {signature[claim]}" in printed for claim in signing.REPORT_CLAIMS)
    assert verify_report(gateway, monkeypatch, tmp_path, bytes(changed), r.headers[SIGNATURE_HEADER]) == 1
    assert [x["what"] for x in lookups(gateway)] == ["report"]


def test_verify_report_does_not_certify_a_feed_entry_as_a_report(client, gateway, keys, consume, monkeypatch, tmp_path):
    """The feed-signing key signs feed entries and reports alike: an agency holding a feed entry must
    not be able to hand over its canonical bytes and signature as a 'report' that verify-report accepts."""
    consume(member_event("p1"))
    (entry,) = feed(client, keys["cppcc"])["entries"][:1]
    assert verify_report(gateway, monkeypatch, tmp_path, signing.canonical(entry), json.dumps(entry["signature"])) == 1


def test_a_report_signed_outside_its_keys_period_is_refused(client, gateway, staff, consume, monkeypatch, tmp_path):
    consume(member_event("p1"))
    content = client.get(REPORT, headers=staff("auditor")).data
    backdated = gateway.signer.sign_report(content, "p1", "../..", "2000-01-01T00:00:00+00:00", "auditor1")
    assert verify_report(gateway, monkeypatch, tmp_path, content, json.dumps(backdated)) == 1


def test_the_chinese_report_names_event_types_and_fields_in_chinese(client, staff, consume):
    consume(member_event("p1"), processed("p1", fields=("ethnicity",)))
    _, table = table_of(client.get(REPORT, headers=staff("auditor")).data)
    shared = next(row for row in table if row[1] == "向机构共享")
    assert not shared[3].startswith("cn.tongxin.") and "人员编号" in shared[4] and "person_id" not in shared[4]
    revealed = next(row for row in table if row[1] == "部门内查看敏感信息")
    assert revealed[3] == "敏感个人信息处理记录" and revealed[11] == "editor7"


def test_the_openapi_document_describes_the_disclosure_endpoints(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    record = paths["/people/{person_id}/disclosures"]["get"]
    report = paths["/people/{person_id}/disclosures/report"]["get"]
    by_id = paths["/people/disclosures/by-id-number"]["post"]
    for op in (record, report, by_id):
        assert {"403", "404", "422"} <= set(op["responses"]) and op["summary"]
    assert by_id["responses"]["429"]
    assert SIGNATURE_HEADER in report["responses"]["200"]["headers"]
    listed = record["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed.get("$ref", "").endswith("DisclosurePage"), listed
    assert by_id["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("PersonFound")
