"""What the registry's answers and events never show: sensitive values in the outbox, hidden fields
(alike whether or not a value is recorded), the birth date beside a masked ID number, religious or
ethnic databases to a viewer; and ID digests moving to a new key."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import sqlalchemy as sa

from chassis import idnumber
from registry.adapters.tables import outbox, people
from registry.service_layer.rekey import rekey_id_digests
from services.registry.tests.support import count, new_id_number, person_body


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


def test_roles_with_a_since_date_round_trip(client, auth):
    roles = [{"body": "cppcc", "level": "county", "title": "政协委员", "since": "2022-01-01"}]
    body = person_body(representative_roles=roles, vetting_basis="换届考察合格")
    created = client.post("/people", json=body, headers=auth())
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
