"""Spreadsheet exports: only the caller's scope, masked, safe against formula injection; a viewer's
export hides contact data and religious or ethnic lists; an export imports back unchanged."""

from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import load_workbook

from registry.adapters.tables import disclosures, exports, outbox
from services.registry.tests.api.test_spreadsheets import run
from services.registry.tests.support import DONGGUAN, WENJIA_VILLAGE


def test_export_is_scoped_masked_and_safe(client, auth, create, registry):
    mine = create(name="导出甲", unit_code=DONGGUAN)
    create(name="=cmd|' /C calc'!A0", unit_code=DONGGUAN)
    create(name="别处乙", unit_code=WENJIA_VILLAGE)
    assert client.get("/people/export.xlsx", headers=auth(unit=DONGGUAN)).status_code == 422  # no purpose
    r = client.get("/people/export.xlsx?purpose=社区走访名单", headers=auth(unit=DONGGUAN))
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert "宗教信仰" not in header and "民族" not in header
    assert "出生日期" not in header and "出生年份" in header  # the masked ID beside the year only
    names = {row[header.index("姓名")] for row in body}
    assert names == {"导出甲", "'=cmd|' /C calc'!A0"}
    assert all("********" in row[header.index("身份证号码")] for row in body)
    assert client.get("/people/export.xlsx?reveal_id_numbers=true", headers=auth()).status_code == 422
    viewer = client.get("/people/export.xlsx?reveal_id_numbers=true&purpose=报送县政协审核", headers=auth(("viewer",)))
    assert viewer.status_code == 403
    full = client.get("/people/export.xlsx?reveal_id_numbers=true&purpose=报送县政协审核&q=导出甲", headers=auth())
    rows = list(load_workbook(io.BytesIO(full.data)).active.iter_rows(values_only=True))
    assert "*" not in rows[1][rows[0].index("身份证号码")] and "出生日期" in rows[0]
    with registry.engine.connect() as conn:
        logged = conn.execute(sa.select(disclosures.c.person_id, disclosures.c.channel)).all()
        recorded = conn.execute(
            sa.select(exports.c.actor, exports.c.purpose, exports.c.row_count, exports.c.fields).order_by(exports.c.id)
        ).all()
    assert logged == [(mine["id"], "export")]
    with registry.engine.connect() as conn:
        staged = conn.execute(sa.select(outbox.c.key).where(outbox.c.topic == "registry.processing.v1")).scalars()
        assert list(staged) == [mine["id"]]  # one processing event per person whose full ID number left
    assert [(r.actor, r.purpose, r.row_count) for r in recorded] == [
        ("staff1", "社区走访名单", 2),
        ("staff1", "报送县政协审核", 1),
    ]
    assert "birth_year" in recorded[0].fields and "id_number" not in recorded[0].fields
    assert {"id_number", "birth_date"} <= set(recorded[1].fields)


def test_a_viewers_export_hides_contact_data_and_religious_or_ethnic_lists(client, auth, create):
    create(name="观察甲", phone="13800001111", address="寿光市圣城街道1号", tags=["回族", "企业家"],
           categories=["religious_figure", "non_public_economy"])  # fmt: skip
    create(name="观察乙", categories=["non_public_economy"])
    r = client.get("/people/export.xlsx?purpose=核对名单&q=观察", headers=auth(("viewer",)))
    rows = list(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    header, body = rows[0], {row[0]: row for row in rows[1:]}
    for name in ("观察甲", "观察乙"):  # hidden alike, recorded or not
        assert body[name][header.index("联系电话")] == "***" and body[name][header.index("住址")] == "***"
    assert body["观察甲"][header.index("标签")] == "企业家"
    assert body["观察甲"][header.index("基础库")] == "非公有制经济代表人士"
    editor = client.get("/people/export.xlsx?purpose=核对名单&q=观察甲", headers=auth())
    rows = list(load_workbook(io.BytesIO(editor.data)).active.iter_rows(values_only=True))
    assert rows[1][rows[0].index("联系电话")] == "13800001111" and "宗教界人士" in rows[1][rows[0].index("基础库")]


def test_an_export_reimports_unchanged(client, auth, create, registry):
    for i in range(3):
        create(name=f"回环{i}", categories=["non_public_economy"])
    exported = client.get("/people/export.xlsx?reveal_id_numbers=true&purpose=数据迁移核对", headers=auth()).data
    job = run(client, auth, registry, exported, "all_or_nothing")
    assert (job["state"], job["created"], job["unchanged"]) == ("succeeded", 0, 3), job


def test_an_export_whose_purpose_names_ethnic_work_is_recorded(client, auth, create, registry):
    create(name="导出丙")
    r = client.get("/people/export.xlsx?reveal_id_numbers=true&purpose=民族工作统计核对", headers=auth())
    assert r.status_code == 200, r.get_json()
    with registry.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(disclosures)).scalar() >= 1
