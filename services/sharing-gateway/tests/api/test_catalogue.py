"""The data catalogue over HTTP on each database: agencies with their key and staff with a gateway
role read it with what the policies in force grant; anyone else is refused; bad filters are
problem+json in Chinese and English; the export opens as JSON and as a spreadsheet."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sharing_gateway.adapters.tables import agencies

from chassis.catalogue import catalogue

from ..conftest import api_key

VETO = "cn.tongxin.evaluation.veto.applied.v1"
INCIDENT = "cn.tongxin.servicedesk.incident.urgent.v1"


def _items(response):
    assert response.status_code == 200, response.get_json()
    return {(i["event_type"], i["field"]): i for i in response.get_json()["items"]}


def test_an_agency_sees_the_items_and_what_its_policy_in_force_grants(client, keys):
    items = _items(client.get(f"/catalogue?event_type={INCIDENT}", headers=api_key(keys["public_security"])))
    assert {f for _, f in items} == {
        "request_id", "person_id", "name_masked", "unit_code", "category", "summary", "reported_at",
    }  # fmt: skip
    granted = {f for (_, f), i in items.items() if i["granted"]}
    assert granted == {"request_id", "name_masked", "unit_code", "summary", "reported_at"}
    category = items[(INCIDENT, "category")]
    assert category["class"] == "not_shared" and category["class_label"] == "不予共享"
    assert category["owner"] == {
        "service": "servicedesk",
        "unit_code": "370783000000",
        "name_zh": "统战部 活力统战服务台",
        "name_en": "United Front Work Department, service desk",
    }
    assert "第二十八条" in category["legal_basis"] and "granted_to" not in category
    # The court's policy grants nothing of the incident.
    court = _items(client.get(f"/catalogue?event_type={INCIDENT}", headers=api_key(keys["court"])))
    assert not any(i["granted"] for i in court.values())


def test_a_policy_awaiting_approval_grants_nothing_yet(client, keys, gateway):
    with gateway.engine.begin() as conn:
        conn.execute(agencies.update().where(agencies.c.code == "court").values(policy_version="court@v0#old"))
    items = _items(client.get(f"/catalogue?event_type={VETO}", headers=api_key(keys["court"])))
    assert items and not any(i["granted"] for i in items.values())


def test_staff_see_the_agencies_of_their_region_that_receive_each_item(client, staff):
    items = _items(client.get(f"/catalogue?event_type={VETO}", headers=staff("auditor")))
    assert items[(VETO, "reason")]["granted_to"] == ["court", "public_security"]
    assert items[(VETO, "person_id")]["granted_to"] == []
    town = _items(client.get(f"/catalogue?event_type={VETO}", headers=staff("gateway_admin", unit="370783001000")))
    assert town[(VETO, "reason")]["granted_to"] == []  # a town learns nothing of the county's agencies


def test_filters_and_pages_walk_the_whole_catalogue(client, staff):
    seen, cursor = [], None
    while True:
        query = "/catalogue?limit=40" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(query, headers=staff("admin")).get_json()
        assert body["total"] == len(catalogue())
        seen += [(i["event_type"], i["field"]) for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(i.key for i in catalogue())
    not_shared = client.get("/catalogue?class=not_shared&owner=sharing-gateway&limit=1000", headers=staff("admin"))
    rows = not_shared.get_json()["items"]
    assert (
        rows
        and {r["class"] for r in rows} == {"not_shared"}
        and {r["owner"]["service"] for r in rows} == {"sharing-gateway"}
    )
    assert {r["topic"] for r in rows} == {"gateway.inbound.v1", "gateway.membership.v1", "gateway.stability.v1"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("event_type=cn.tongxin.nope.v1", "event_type"),
        ("class=secret", "class"),
        ("owner=police", "owner"),
        ("limit=0", "limit"),
        ("cursor=not-a-cursor", "cursor"),
    ],
)
def test_bad_filters_are_problems_in_both_languages(client, keys, query, field):
    response = client.get(f"/catalogue?{query}", headers=api_key(keys["npc"]))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert [e["field"] for e in problem["errors"]] == [field] if "errors" in problem else problem["field"] == field
    assert problem["title"] == "请求数据无效" and problem["detail"] and problem["detail_en"]


def test_only_agencies_and_gateway_roles_read_it(client, staff, keys):
    for path in ("/catalogue", "/catalogue/export"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers=api_key("tx.nope.nope")).status_code == 401
        assert client.get(path, headers={"Authorization": "Bearer not.a.token"}).status_code == 401
        # a valid agency key beside a bad staff token: the token is checked and refused, never skipped
        bad_token = {"Authorization": "Bearer not.a.token", "X-Api-Key": keys["cppcc"]}
        assert client.get(path, headers=bad_token).status_code == 401
        refused = client.get(path, headers=staff("editor"))
        assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
        assert client.get(path, headers=staff("auditor")).status_code == 200
        assert client.get(path, headers=api_key(keys["cppcc"])).status_code == 200


def test_the_json_export_holds_every_item_without_grants(client, keys):
    response = client.get("/catalogue/export?format=json", headers=api_key(keys["npc"]))
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    document = response.get_json()
    assert document["count"] == len(catalogue()) == len(document["items"])
    assert not any("granted" in i or "granted_to" in i for i in document["items"])


def test_the_xlsx_export_opens_with_chinese_headers_and_one_row_per_item(client, staff):
    response = client.get("/catalogue/export?format=xlsx", headers=staff("gateway_admin"))
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("事件类型", "字段", "数据项名称") and "共享类型" in rows[0]
    assert len(rows) == 1 + len(catalogue())
    by_key = {(r[0], r[1]): r for r in rows[1:]}
    assert by_key[(INCIDENT, "category")][6] == "不予共享"
    assert by_key[(INCIDENT, "name_masked")][6] == "有条件共享"
    assert by_key[("cn.tongxin.gateway.checkpoint.v1", "head_hash")][6] == "无条件共享"


def test_a_bad_export_format_is_a_problem_and_the_database_is_untouched(client, keys, gateway):
    with gateway.engine.connect() as conn:
        before = conn.execute(sa.select(agencies)).all()
    response = client.get("/catalogue/export?format=pdf", headers=api_key(keys["npc"]))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "json 或 xlsx" in str(response.get_json()) and "json or xlsx" in str(response.get_json())
    with gateway.engine.connect() as conn:
        assert conn.execute(sa.select(agencies)).all() == before
