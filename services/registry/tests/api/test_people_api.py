"""The people API on SQLite and PostgreSQL: validation, concurrency, masking, history, search."""

from __future__ import annotations

import datetime as dt

from registry.adapters.tables import outbox
from services.registry.tests.support import DONGGUAN, SHENGCHENG, XICHENG, count, new_id_number, person_body


def test_register_read_and_mask(client, auth, create):
    p = create(name="艾克拜尔·米吉提", ethnicity="维吾尔族", religion="伊斯兰教", phone="13800000001")
    assert p["version"] == 1 and p["name_pinyin"] == "ai ke bai er mi ji ti"
    assert "*" * 8 in p["id_number"] and p["ethnicity"] == "***" and p["religion"] == "***"
    r = client.get(f"/people/{p['id']}", headers=auth())
    assert r.headers["ETag"] == '"v1"' and r.get_json()["current_categories"] == ["non_party_representative"]


def test_bad_id_numbers_are_refused_and_nothing_is_written(client, auth, registry):
    good = new_id_number(born=dt.date(1980, 1, 2), gender="female")
    cases = [
        ({"id_number": good[:17] + ("0" if good[17] != "0" else "1")}, "id_number", "校验码错误"),
        ({"id_number": good, "birth_date": "1980-01-03"}, "birth_date", "不一致"),
        ({"id_number": good, "gender": "male"}, "gender", "性别与身份证号码不一致"),
        ({"id_number": "12345"}, "id_number", "应为18位"),
        ({"unit_code": "999999999999"}, "unit_code", "不存在"),
        ({"categories": ["nope"]}, "categories.0", "必须是以下之一"),
        ({"name": ""}, "name", "长度"),
    ]
    for change, field, text in cases:
        r = client.post("/people", json=person_body(**change), headers=auth())
        body = r.get_json()
        assert r.status_code == 422, (change, body)
        assert r.mimetype == "application/problem+json"
        assert text in body["detail"] + "".join(e["message"] for e in body.get("errors", [])), body
        assert body.get("field") == field or any(e["field"] == field for e in body.get("errors", [])), body
    assert count(registry) == 0 and count(registry, outbox) == 0


def test_changes_need_the_current_etag(client, auth, create):
    p = create()
    url = f"/people/{p['id']}"
    assert client.patch(url, json={"phone": "13900000000"}, headers=auth()).status_code == 428
    ok = client.patch(url, json={"phone": "13900000000"}, headers=auth(**{"If-Match": '"v1"'}))
    assert ok.status_code == 200 and ok.headers["ETag"] == '"v2"'
    stale = client.patch(url, json={"phone": "13900000001"}, headers=auth(**{"If-Match": '"v1"'}))
    assert stale.status_code == 412 and stale.get_json()["current_version"] == 2
    assert client.get(url, headers=auth()).get_json()["phone"] == "13900000000"


def test_history_says_who_changed_what(client, auth, create):
    p = create(religion="佛教")
    client.patch(
        f"/people/{p['id']}",
        json={"employer": "寿光市商会", "religion": "无"},
        headers=auth(sub="wang", **{"If-Match": '"v1"'}),
    )
    client.post(f"/people/{p['id']}/move", json={"unit_code": XICHENG}, headers=auth(**{"If-Match": '"v2"'}))
    history = client.get(f"/people/{p['id']}/history", headers=auth()).get_json()
    assert [h["action"] for h in history] == ["registered", "updated", "moved"]
    assert history[1]["actor"] == "wang"
    changes = {c["field"]: c for c in history[1]["changes"]}
    assert changes["employer"] == {"field": "employer", "from": None, "to": "寿光市商会"}
    assert changes["religion"] == {"field": "religion", "from": "***", "to": "***"}
    assert history[2]["changes"] == [{"field": "unit_code", "from": DONGGUAN, "to": XICHENG}]


def test_archive_restore_and_archived_ids_can_be_registered_again(client, auth, create):
    p = create()
    url = f"/people/{p['id']}"
    assert (
        client.post(f"{url}/archive", json={"reason": "迁出"}, headers=auth(**{"If-Match": '"v1"'})).status_code == 200
    )
    assert client.patch(url, json={"phone": "13900000000"}, headers=auth(**{"If-Match": '"v2"'})).status_code == 409
    search = client.get("/people", headers=auth()).get_json()["items"]
    assert p["id"] not in [x["id"] for x in search]
    r = client.post(f"{url}/restore", json={}, headers=auth(**{"If-Match": '"v2"'}))
    assert r.status_code == 200 and r.get_json()["status"] == "active"


def test_categories_over_time(client, auth, create):
    p = create(categories=[])
    url = f"/people/{p['id']}/categories"
    assert (
        client.post(
            url, json={"category": "non_public_economy", "start_date": "2024-01-01", "reason": "评定"}, headers=auth()
        ).status_code
        == 201
    )
    r = client.post(f"{url}/non_public_economy/end", json={"end_date": "2025-06-30", "reason": "退出"}, headers=auth())
    assert r.status_code == 200
    on = lambda day: client.get(f"/people?category=non_public_economy&as_of={day}", headers=auth()).get_json()["items"]  # noqa: E731
    assert [x["id"] for x in on("2025-01-01")] == [p["id"]]
    assert on("2025-07-01") == [] and on("2023-12-31") == []
    again = client.post(f"{url}/non_public_economy/end", json={"end_date": "2025-07-30"}, headers=auth())
    assert again.status_code == 409


def test_search_by_pinyin_and_filters_with_stable_pages(client, auth, create):
    names = ["张三", "李四", "王五", "赵六", "李安", "连战", "张伟", "艾克拜尔·米吉提"]
    ids = {n: create(name=n, tags=["企业家"] if n.startswith("李") else [])["id"] for n in names}
    q = lambda s: [x["name"] for x in client.get(f"/people?{s}", headers=auth()).get_json()["items"]]  # noqa: E731
    assert q("q=zs") == ["张三"]
    assert q("q=zhang") == ["张三", "张伟"]
    assert q("q=li") == ["李安", "李四", "连战"]  # pinyin prefix, as typed; never 赵六 (zhao liu)
    assert q("q=zhangsan") == ["张三"]
    assert q("q=akbe") == ["艾克拜尔·米吉提"]
    assert q("q=王") == ["王五"]
    assert q("tag=企业家") == ["李安", "李四"]
    everyone = q("limit=100")
    assert everyone == ["艾克拜尔·米吉提", "李安", "李四", "连战", "王五", "张三", "张伟", "赵六"]
    pages, cursor = [], ""
    while True:
        page = client.get(f"/people?limit=3{cursor}", headers=auth()).get_json()
        pages.append([x["name"] for x in page["items"]])
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert [name for page in pages for name in page] == everyone and [len(p) for p in pages] == [3, 3, 2]
    assert client.get("/people?with_total=true&limit=1", headers=auth()).get_json()["total"] == len(names)
    assert client.get("/people?cursor=garbage", headers=auth()).status_code == 422
    assert len(ids) == len(names)


def test_representatives_by_body(client, auth, create):
    roles = [{"body": "cppcc", "level": "county", "title": "委员"}]
    p = create(representative_roles=roles, vetting_basis="换届考察合格")
    create(name="李四")
    assert [x["id"] for x in client.get("/people?body=cppcc", headers=auth()).get_json()["items"]] == [p["id"]]
    assert [x["id"] for x in client.get("/people?representative=true", headers=auth()).get_json()["items"]] == [p["id"]]
    stats = client.get("/statistics/representatives", headers=auth()).get_json()
    assert stats == [{"body": "cppcc", "level": "county", "count": 1}]
    r = client.put(
        f"/people/{p['id']}/representative-roles",
        json={"roles": [{"body": "x", "level": "county"}]},
        headers=auth(**{"If-Match": '"v2"'}),
    )
    assert r.status_code == 422


def test_contact_records(client, auth, create):
    p = create()
    url = f"/people/{p['id']}/contacts"
    r = client.post(
        url,
        json={
            "kind": "visit",
            "contact_date": "2026-03-01",
            "summary": "走访了解企业用工需求",
            "needs_raised": "招聘技术工人",
            "follow_up_due": "2026-04-01",
        },
        headers=auth(),
    )
    assert r.status_code == 201 and r.get_json()["staff"] == "staff1"
    assert (
        client.post(
            url, json={"kind": "telepathy", "contact_date": "2026-03-01", "summary": "x"}, headers=auth()
        ).status_code
        == 422
    )
    assert [c["summary"] for c in client.get(url, headers=auth()).get_json()] == ["走访了解企业用工需求"]


def test_statistics_by_category_and_unit(client, auth, create):
    create(unit_code=DONGGUAN)
    create(unit_code=XICHENG, categories=["non_party_representative", "new_social_strata"])
    create(unit_code="370783002001")
    stats = client.get(f"/statistics/categories?unit={SHENGCHENG}", headers=auth()).get_json()
    assert stats["active_people"] == 2
    assert {r["unit_code"]: r["counts"] for r in stats["rows"]} == {
        DONGGUAN: {"non_party_representative": 1},
        XICHENG: {"non_party_representative": 1, "new_social_strata": 1},
    }
    county = client.get("/statistics/categories", headers=auth()).get_json()
    assert {r["unit_name"] for r in county["rows"]} == {"圣城街道", "文家街道"}


def test_concurrent_edits_with_the_same_etag_let_exactly_one_win(registry, auth, create):
    import threading

    from registry.entrypoints.api.app import create_app

    p = create()
    app = create_app(registry)
    results, barrier = [], threading.Barrier(4)

    def edit(i):
        client = app.test_client()
        barrier.wait()
        r = client.patch(f"/people/{p['id']}", json={"phone": f"1390000000{i}"}, headers=auth(**{"If-Match": '"v1"'}))
        results.append(r.status_code)

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 412, 412, 412]
    history = app.test_client().get(f"/people/{p['id']}/history", headers=auth()).get_json()
    assert [h["action"] for h in history] == ["registered", "updated"]
