"""What a viewer can learn about religion, ethnicity and hidden changes, probed the way the
adversarial review of issue 14 probed it: history, search, export, statistics, event versions.

Each test failed before its fix (the review's probe printed the leak) and passes after.
"""

from __future__ import annotations

import io
import json

import sqlalchemy as sa
from openpyxl import load_workbook

from registry.adapters.tables import outbox
from services.registry.tests.support import DONGGUAN, XICHENG


def _viewer(auth):
    return auth(("viewer",), sub="viewer1")


def _etag(client, auth, pid) -> dict:
    return auth(**{"If-Match": f'"{client.get(f"/people/{pid}", headers=auth()).get_json()["version"]}"'})


def test_viewer_history_shows_no_sensitive_category_tag_or_hidden_field_change(client, auth, create):
    p = create(tags=["骨干"])
    client.post(f"/people/{p['id']}/categories", json={"category": "religious_figure", "start_date": "2024-01-01"},
                headers=auth())  # fmt: skip
    assert client.patch(f"/people/{p['id']}", json={"religion": "佛教", "phone": "13812345678"},
                        headers=_etag(client, auth, p["id"])).status_code == 200  # fmt: skip
    client.patch(f"/people/{p['id']}", json={"tags": ["骨干", "佛教", "回民"]}, headers=_etag(client, auth, p["id"]))
    client.patch(f"/people/{p['id']}", json={"tags": ["佛教", "回民"]}, headers=_etag(client, auth, p["id"]))

    seen = client.get(f"/people/{p['id']}/history", headers=_viewer(auth)).get_json()
    text = json.dumps(seen, ensure_ascii=False)
    for leak in ("religious_figure", "佛教", "回民", "religion", "phone", "***"):
        assert leak not in text, (leak, seen)
    # The religious-tags-only change left nothing a viewer may see, so the whole entry is gone;
    # the one that removed 骨干 shows as exactly that. No versions: their gaps would count.
    assert [(h["action"], h["changes"]) for h in seen] == [
        ("registered", []),
        ("updated", [{"field": "tags", "from": ["骨干"], "to": []}]),
    ]
    assert all("version" not in h for h in seen)
    # Editors keep the full (masked) history.
    editor = client.get(f"/people/{p['id']}/history", headers=auth()).get_json()
    assert len(editor) == 5 and "religious_figure" in json.dumps(editor)


def test_a_viewers_substring_search_and_export_cannot_find_people_by_a_hidden_tag(client, auth, create):
    hidden = create(name="甲", tags=["佛教", "回民", "土家族", "信佛"], employer="东关清真寺")
    create(name="乙", tags=["骨干"])
    viewer = _viewer(auth)
    for text in ("佛", "清真", "土家"):
        r = client.get("/people", query_string={"text": text}, headers=viewer)
        assert r.status_code in (200, 403) and hidden["id"] not in r.get_data(as_text=True), text
    for value in ("回民", "土家族", "信佛", "佛 教", "清真寺"):
        for param in ("text", "tag"):
            assert client.get("/people", query_string={param: value}, headers=viewer).status_code == 403, value
    r = client.get("/people/export.xlsx", query_string={"text": "佛", "purpose": "工作需要导出"}, headers=viewer)
    rows = list(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    assert r.status_code == 200 and len(rows) == 1  # the header only
    # Editors, who see every tag, still find the person by it.
    found = client.get("/people", query_string={"text": "佛"}, headers=auth()).get_json()["items"]
    assert [i["id"] for i in found] == [hidden["id"]]


def test_event_versions_count_only_emitted_events(client, auth, create, registry):
    p = create()
    client.patch(f"/people/{p['id']}", json={"religion": "佛教"}, headers=_etag(client, auth, p["id"]))
    client.post(f"/people/{p['id']}/categories", json={"category": "religious_figure", "start_date": "2024-01-01"},
                headers=auth())  # fmt: skip
    client.patch(f"/people/{p['id']}", json={"employer": "某公司"}, headers=_etag(client, auth, p["id"]))
    with registry.engine.connect() as conn:
        payloads = conn.execute(sa.select(outbox.c.payload).order_by(outbox.c.id)).scalars()
        events = [json.loads(p)["data"] for p in payloads]
    assert [(e.get("changed_fields"), e["version"]) for e in events] == [(None, 1), (["employer"], 2)]
    # A viewer sees the same count in the person view and its ETag; editors keep every change's.
    seen = client.get(f"/people/{p['id']}", headers=_viewer(auth))
    assert seen.get_json()["version"] == 2 and seen.headers["ETag"] == '"v2"'
    listed = client.get("/people", headers=_viewer(auth)).get_json()["items"]
    assert [i["version"] for i in listed if i["id"] == p["id"]] == [2]
    assert client.get(f"/people/{p['id']}", headers=auth()).get_json()["version"] == 4


def test_viewer_statistics_leave_out_sensitive_categories_and_small_community_counts(client, auth, create):
    for _ in range(5):
        create(unit_code=DONGGUAN)
    create(unit_code=XICHENG, categories=["religious_figure", "non_party_representative"])
    view = client.get("/statistics/categories", query_string={"unit": "370783001000"}, headers=_viewer(auth))
    counts = {r["unit_code"]: r["counts"] for r in view.get_json()["rows"]}
    assert counts == {DONGGUAN: {"non_party_representative": 5}, XICHENG: {"non_party_representative": None}}
    as_of = client.get("/statistics/categories", query_string={"unit": "370783001000", "as_of": "2099-01-01"},
                       headers=_viewer(auth)).get_json()  # fmt: skip
    assert "religious_figure" not in json.dumps(as_of)
    editor = client.get("/statistics/categories", query_string={"unit": "370783001000"}, headers=auth()).get_json()
    assert {r["unit_code"]: r["counts"] for r in editor["rows"]}[XICHENG]["religious_figure"] == 1


def test_religious_employer_position_and_role_title_stay_out_of_events(client, auth, create, registry):
    p = create(employer="东关清真寺", position="阿訇")
    roles = [{"body": "cppcc", "level": "county", "title": "宗教界别委员（伊斯兰教）"}]
    change = {"roles": roles, "reason": "当选", "vetting_basis": "换届考察"}
    r = client.put(f"/people/{p['id']}/representative-roles", json=change, headers=_etag(client, auth, p["id"]))
    assert r.status_code == 200
    with registry.engine.connect() as conn:
        text = " ".join(bytes(p).decode() for p in conn.execute(sa.select(outbox.c.payload)).scalars())
    for word in ("清真", "阿訇", "伊斯兰", "id_masked"):
        assert word not in text


def test_a_reason_with_a_phone_or_a_spaced_id_number_is_refused_and_nothing_changes(client, auth, create):
    p = create()
    reason = "电话13812345678 已迁往外地"
    r = client.post(f"/people/{p['id']}/archive", json={"reason": reason}, headers=_etag(client, auth, p["id"]))
    assert r.status_code == 422 and "phone" in r.get_json()["detail_en"]
    assert client.get(f"/people/{p['id']}", headers=auth()).get_json()["status"] == "active"


def test_import_reports_are_for_editors_only(client, auth):
    csv = "姓名,身份证号码,行政区划代码,出生日期\n甲,370783199003071212,370783001001,1990-03-08\n".encode()
    r = client.post("/imports?mode=dry_run", data={"file": (io.BytesIO(csv), "x.csv")}, headers=auth(),
                    content_type="multipart/form-data")  # fmt: skip
    job = r.get_json()["id"]
    for roles in (("viewer",), ("evaluator",)):
        assert client.get(f"/imports/{job}", headers=auth(roles, sub="other")).status_code == 403
        assert client.get(f"/imports/{job}/errors.xlsx", headers=auth(roles, sub="other")).status_code == 403
    assert client.get(f"/imports/{job}", headers=auth()).status_code == 200
