"""The people API on SQLite and PostgreSQL: validation, concurrency, masking, history, search."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import sqlalchemy as sa

from chassis import idnumber
from registry.adapters.tables import disclosures, outbox, people
from registry.service_layer.rekey import rekey_id_digests
from services.registry.tests.support import DONGGUAN, SHENGCHENG, XICHENG, new_id_number, person_body


def count(registry, table=people) -> int:
    with registry.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def test_register_read_and_mask(client, auth, create):
    p = create(name="艾克拜尔·米吉提", ethnicity="维吾尔族", religion="伊斯兰教", phone="13800000001")
    assert p["version"] == 1 and p["name_pinyin"] == "ai ke bai er mi ji ti"
    assert "*" * 8 in p["id_number"] and p["ethnicity"] == "***" and p["religion"] == "***"
    r = client.get(f"/people/{p['id']}", headers=auth())
    assert r.headers["ETag"] == '"v1"' and r.get_json()["current_categories"] == ["non_party_representative"]


def test_revealing_sensitive_fields_needs_role_and_purpose_and_is_recorded(client, auth, create, registry):
    body = person_body(ethnicity="回族")
    pid = client.post("/people", json=body, headers=auth()).get_json()["id"]
    r = client.get(f"/people/{pid}?reveal=id_number,ethnicity", headers=auth())
    assert r.status_code == 422 and r.get_json()["field"] == "purpose"
    assert (
        client.get(f"/people/{pid}?reveal=id_number&purpose=核实身份信息", headers=auth(roles=("viewer",))).status_code
        == 403
    )
    assert client.get(f"/people/{pid}?reveal=phone&purpose=核实身份信息", headers=auth()).status_code == 422
    r = client.get(f"/people/{pid}?reveal=id_number,ethnicity&purpose=核实身份信息", headers=auth(sub="auditor7"))
    assert r.status_code == 200
    assert (r.get_json()["id_number"], r.get_json()["ethnicity"]) == (body["id_number"], "回族")
    with registry.engine.connect() as conn:
        row = conn.execute(sa.select(disclosures)).mappings().one()
    assert (row["actor"], sorted(row["fields"]), row["purpose"]) == (
        "auditor7",
        ["ethnicity", "id_number"],
        "核实身份信息",
    )


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


def test_hard_duplicates_point_to_the_existing_record(client, auth, create, registry):
    p = create()
    r = client.post("/people", json=person_body(id_number=p["id_number"].replace("*", "0")), headers=auth())
    assert r.status_code in (409, 422)  # a masked number read back is not a real number
    body = person_body()
    first = client.post("/people", json=body, headers=auth()).get_json()
    r = client.post("/people", json={**body, "name": "另一个人"}, headers=auth())
    assert r.status_code == 409
    assert r.get_json()["existing"] == f"/people/{first['id']}"
    assert count(registry) == 2


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
    p = create(representative_roles=[{"body": "cppcc", "level": "county", "title": "委员"}])
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


def test_likely_duplicates_and_merge_keep_both_histories(client, auth, create):
    a = create(name="刘洋", phone="13700000000")
    b = create(name="刘洋", phone="13700000000", categories=["non_public_economy"])
    groups = client.get("/duplicates", headers=auth()).get_json()
    assert {"rule": "name+phone", "name": "刘洋", "person_ids": [a["id"], b["id"]]} in groups
    client.patch(f"/people/{b['id']}", json={"employer": "寿光蔬菜协会"}, headers=auth(**{"If-Match": '"v1"'}))
    r = client.post(f"/people/{a['id']}/merge", json={"duplicate_id": b["id"]}, headers=auth())
    assert r.status_code == 200
    assert set(r.get_json()["current_categories"]) == {"non_party_representative", "non_public_economy"}
    merged = client.get(f"/people/{b['id']}", headers=auth()).get_json()
    assert (merged["status"], merged["merged_into"]) == ("archived", a["id"])
    actions = [
        (h["person_id"], h["action"]) for h in client.get(f"/people/{a['id']}/history", headers=auth()).get_json()
    ]
    assert (b["id"], "updated") in actions and (a["id"], "merged") in actions and (b["id"], "merged_away") in actions
    assert client.get("/duplicates", headers=auth()).get_json() == []


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


def test_events_in_the_outbox_carry_no_sensitive_data(client, auth, create, registry):
    p = create(ethnicity="回族", religion="伊斯兰教")
    client.patch(
        f"/people/{p['id']}", json={"religion": "无", "employer": "寿光"}, headers=auth(**{"If-Match": '"v1"'})
    )
    with registry.engine.connect() as conn:
        rows = conn.execute(sa.select(outbox.c.event_type, outbox.c.key, outbox.c.payload).order_by(outbox.c.id)).all()
    assert [r.event_type.rsplit(".", 2)[-2] for r in rows] == ["registered", "updated"]
    for r in rows:
        text = bytes(r.payload).decode()
        assert r.key == p["id"]
        assert "伊斯兰教" not in text and "回族" not in text and '"religion"' not in text
    assert '"changed_fields":["employer"]' in bytes(rows[1].payload).decode()


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


def test_roles_with_a_since_date_round_trip(client, auth):
    roles = [{"body": "cppcc", "level": "county", "title": "政协委员", "since": "2022-01-01"}]
    created = client.post("/people", json=person_body(representative_roles=roles), headers=auth())
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["representative_roles"][0]["since"] == "2022-01-01"
    read = client.get(f"/people/{created.get_json()['id']}", headers=auth())
    assert read.get_json()["representative_roles"] == roles


def test_hidden_fields_look_the_same_whether_or_not_a_value_is_recorded(client, auth, create):
    """The presence leak: ``***`` when recorded and ``null`` when not told a viewer who has one."""
    with_values = create(ethnicity="回族", religion="伊斯兰教", phone="13800000002", address="圣城街道1号")
    without = create()
    hidden = ("ethnicity", "religion", "phone", "address", "birth_date")
    for roles in (("viewer",), ("editor",)):
        views = [client.get(f"/people/{p['id']}", headers=auth(roles)).get_json() for p in (with_values, without)]
        shown = [{f: v[f] for f in ("ethnicity", "religion", "birth_date")} for v in views]
        assert shown[0] == shown[1] == {"ethnicity": "***", "religion": "***", "birth_date": None}, roles
        if roles == ("viewer",):
            assert [(v["phone"], v["address"]) for v in views] == [("***", "***")] * 2
        listed = client.get("/people?limit=500", headers=auth(roles)).get_json()["items"]
        assert len({tuple(item[f] for f in hidden if roles == ("viewer",) or f not in ("phone", "address"))
                    for item in listed}) == 1  # fmt: skip


def test_a_viewer_sees_the_birth_year_beside_the_masked_number_never_the_date(client, auth, create):
    p = create(name="年份甲", id_number=new_id_number(born=dt.date(1966, 7, 15)), tags=["回族", "企业家"])
    view = client.get(f"/people/{p['id']}", headers=auth(("viewer",))).get_json()
    assert view["birth_year"] == 1966 and view["birth_date"] is None and "********" in view["id_number"]
    assert "19660715" not in str(view) and "1966-07-15" not in str(view)
    assert view["tags"] == ["企业家"]
    revealed = client.get(f"/people/{p['id']}?reveal=birth_date&purpose=核实年龄资格", headers=auth()).get_json()
    assert revealed["birth_date"] == "1966-07-15" and revealed["revealed"] == ["birth_date"]
    for query in ("tag=回族", "text=回族", "category=religious_figure"):
        assert client.get(f"/people?{query}", headers=auth(("viewer",))).status_code == 403, query


def test_a_viewer_does_not_see_religious_or_ethnic_databases(client, auth, create):
    p = create(categories=["religious_figure", "non_public_economy"])
    viewer = client.get(f"/people/{p['id']}", headers=auth(("viewer",))).get_json()
    editor = client.get(f"/people/{p['id']}", headers=auth()).get_json()
    assert viewer["current_categories"] == ["non_public_economy"]
    assert [c["category"] for c in viewer["categories"]] == ["non_public_economy"]
    assert editor["current_categories"] == ["non_public_economy", "religious_figure"]


def test_a_change_to_hidden_fields_alone_stages_no_event(client, auth, create, registry):
    p = create()
    r = client.patch(
        f"/people/{p['id']}", json={"religion": "佛教", "phone": "13800000003"}, headers=auth(**{"If-Match": '"v1"'})
    )
    assert r.status_code == 200 and r.headers["ETag"] == '"v2"'
    client.post(
        f"/people/{p['id']}/categories",
        json={"category": "religious_figure", "start_date": "2026-01-01"},
        headers=auth(),
    )
    with registry.engine.connect() as conn:
        types = conn.execute(sa.select(outbox.c.event_type).where(outbox.c.key == p["id"])).scalars().all()
    assert [t.rsplit(".", 2)[-2] for t in types] == ["registered"]
    assert len(client.get(f"/people/{p['id']}/history", headers=auth()).get_json()) == 3


def test_a_full_width_id_number_is_the_same_number(client, auth, create, registry):
    """The full-width bypass: ３７０７８３… used to dodge the duplicate check and digest differently."""
    number = new_id_number()
    first = create(id_number=number)
    wide = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    r = client.post("/people", json=person_body(id_number=f" {wide}　"), headers=auth())
    assert r.status_code == 409 and r.get_json()["person_id"] == first["id"]
    arabic = number[:17].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) + number[17]
    r = client.post("/people", json=person_body(id_number=arabic), headers=auth())
    assert r.status_code == 422 and r.get_json()["field"] == "id_number"
    assert count(registry) == 1


def test_free_text_that_would_carry_an_id_number_into_an_event_is_refused_with_422(client, auth, create, registry):
    p = create()
    before = count(registry, outbox)
    r = client.post(
        f"/people/{p['id']}/archive",
        json={"reason": f"迁出，原身份证 {new_id_number()}"},
        headers=auth(**{"If-Match": '"v1"'}),
    )
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert "敏感个人信息" in r.get_json()["detail"] and r.get_json()["type"].endswith("sensitive-data-refused")
    assert count(registry, outbox) == before
    assert client.get(f"/people/{p['id']}", headers=auth()).get_json()["status"] == "active"


def test_a_new_id_digest_key_rekeys_every_digest_and_announces_it(client, auth, create, registry):
    p = create()
    with registry.engine.connect() as conn:
        assert conn.execute(sa.select(people.c.id_digest)).scalar().startswith("k1:")
    rotated = dataclasses.replace(registry, settings=dataclasses.replace(
        registry.settings, id_digest_key_id="k2", id_digest_secret="a-new-id-digest-secret-for-rotation"))  # fmt: skip
    rotated.pin_digest_keys()
    assert rekey_id_digests(rotated.uow, "k2") == 1 and rekey_id_digests(rotated.uow, "k2") == 0
    with registry.engine.connect() as conn:
        digest = conn.execute(sa.select(people.c.id_digest).where(people.c.id == p["id"])).scalar()
        event = json.loads(conn.execute(sa.select(outbox.c.payload).order_by(outbox.c.id.desc())).scalars().first())
    assert digest.startswith("k2:") and digest == event["data"]["id_digest"]
    assert (event["data"]["changed_fields"], event["data"]["version"]) == (["id_digest"], 2)
    revealed = client.get(f"/people/{p['id']}?reveal=id_number&purpose=轮换后核对", headers=auth()).get_json()
    number = revealed["id_number"]
    assert digest == idnumber.digest(number, rotated.settings.id_digest_key())  # what the gateway computes under k2
