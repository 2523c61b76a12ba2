"""The registry's authorization matrix (``tests/support/authz_matrix.py``): every operation x role
x unit level, against people, a unit and an import job of town A (圣城街道)."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from chassis import idnumber
from chassis.contracts.gateway import MEMBERSHIP_CONFIRMED
from chassis.events import Envelope
from registry.bootstrap import bootstrap
from registry.config import RegistrySettings
from registry.entrypoints.api.app import create_app
from registry.service_layer import membership_notices
from registry.service_layer.units import load_shipped_units
from services.registry.tests.support import new_id_number, person_body
from tests.support import authz_matrix as m
from tests.support.secrets import strong_secrets
from tests.support.tokens import ISSUER, trusted

TOWN_A = "370783001000"
EMPTY_UNIT, NEW_UNIT = "370783001099", "370783001098"  # a unit of town A with nobody in it; one still to add
LEVELS = {
    "own": TOWN_A,
    "parent": "370783000000",
    "child": "370783001001",
    "sibling": "370783002000",
    "other county": "370782001000",
}
READERS, EDITORS, ADMINS = ("viewer", "editor"), ("editor",), ("admin",)
NEW_PERSON = person_body(unit_code=TOWN_A, id_number=new_id_number())
CSV = "姓名,性别,出生日期,身份证号码,行政区划代码\n".encode()
# A town seat: town staff may vet it (a county seat needs county staff, test_qualification_bypasses).
TOWN_NPC = [{"body": "npc", "level": "town", "title": "代表"}]
OTHER_CADRE = {"subject": "li.gang", "name": "李刚", "unit": TOWN_A}
CLOSE = {"state": "done", "outcome": "已走访"}
FOLLOW_UP = {"due_on": dt.date.today().isoformat(), "note": "走访了解诉求"}
_BELOW_COUNTY = ("own", "child", "sibling", "other county")  # each a town or a community
_COUNTY_ONLY = {"levels": frozenset({"parent"}), "refused": dict.fromkeys(_BELOW_COUNTY, 403)}
DEPARTMENT_READ = {"roles": ("admin", "auditor"), **_COUNTY_ONLY}
DEPARTMENT_ACT = {"roles": ADMINS, **_COUNTY_ONLY}


def v(h: dict, version: int) -> dict:
    return {**h, "If-Match": f'"v{version}"'}


def v1(h: dict) -> dict:
    return v(h, 1)


def upload(c, h):
    files = {"file": (io.BytesIO(CSV), "people.csv")}
    return c.post("/imports?mode=dry_run", data=files, headers=h, content_type="multipart/form-data")


MATRIX = {
    ("GET", "/people"): m.Rule(
        lambda c, h, s: c.get("/people", headers=h),
        roles=READERS,
        levels=m.ANY_LEVEL,
        shows_object=lambda r, s: any(p["id"] == s["p1"] for p in r.get_json()["items"]),
        listed_units=lambda r: [p["unit_code"] for p in r.get_json()["items"]],  # the sibling's person: never
    ),
    ("POST", "/people"): m.Rule(
        lambda c, h, s: c.post("/people", json=NEW_PERSON, headers=h), roles=EDITORS, ok=201, out_of_scope=422
    ),
    ("GET", "/people/{person_id}"): m.Rule(lambda c, h, s: c.get(f"/people/{s['p1']}", headers=h), roles=READERS),
    ("PATCH", "/people/{person_id}"): m.Rule(
        lambda c, h, s: c.patch(f"/people/{s['p1']}", json={"notes": "走访后更新"}, headers=v1(h)), roles=EDITORS
    ),
    ("POST", "/people/{person_id}/move"): m.Rule(
        lambda c, h, s: c.post(f"/people/{s['p1']}/move", json={"unit_code": TOWN_A}, headers=v1(h)), roles=EDITORS
    ),
    ("POST", "/people/{person_id}/archive"): m.Rule(
        lambda c, h, s: c.post(f"/people/{s['p1']}/archive", json={"reason": "迁出"}, headers=v1(h)), roles=EDITORS
    ),
    ("POST", "/people/{person_id}/restore"): m.Rule(
        lambda c, h, s: c.post(f"/people/{s['archived']}/restore", json={"reason": "迁回"}, headers=v(h, 2)),
        roles=EDITORS,
    ),
    ("PUT", "/people/{person_id}/representative-roles"): m.Rule(
        lambda c, h, s: c.put(
            f"/people/{s['p1']}/representative-roles",
            # A town seat: town staff may vet it (a county seat needs county staff, test_qualification_bypasses).
            json={"roles": [{"body": "npc", "level": "town"}], "reason": "换届", "vetting_basis": "换届考察合格"},
            headers=v1(h),
        ),
        roles=EDITORS,
    ),
    ("GET", "/people/{person_id}/qualification"): m.Rule(
        lambda c, h, s: c.get(f"/people/{s['p1']}/qualification", headers=h), roles=EDITORS
    ),
    ("POST", "/people/{person_id}/categories"): m.Rule(
        lambda c, h, s: c.post(
            f"/people/{s['p1']}/categories",
            json={"category": "non_public_economy", "start_date": "2026-01-01"},
            headers=h,
        ),
        roles=EDITORS,
        ok=201,
    ),
    ("POST", "/people/{person_id}/categories/{category}/end"): m.Rule(
        lambda c, h, s: c.post(
            f"/people/{s['p1']}/categories/non_party_representative/end",
            json={"end_date": dt.date.today().isoformat()},
            headers=h,
        ),
        roles=EDITORS,
    ),
    ("GET", "/people/{person_id}/history"): m.Rule(
        lambda c, h, s: c.get(f"/people/{s['p1']}/history", headers=h), roles=READERS
    ),
    ("GET", "/people/{person_id}/contacts"): m.Rule(
        lambda c, h, s: c.get(f"/people/{s['p1']}/contacts", headers=h), roles=READERS
    ),
    ("POST", "/people/{person_id}/contacts"): m.Rule(
        lambda c, h, s: c.post(
            f"/people/{s['p1']}/contacts",
            json={"kind": "visit", "contact_date": "2026-03-01", "summary": "上门走访"},
            headers=h,
        ),
        roles=EDITORS,
        ok=201,
    ),
    ("POST", "/people/{person_id}/merge"): m.Rule(
        lambda c, h, s: c.post(f"/people/{s['p1']}/merge", json={"duplicate_id": s["p2"]}, headers=h), roles=EDITORS
    ),
    ("GET", "/units"): m.Rule(lambda c, h, s: c.get("/units", headers=h), levels=m.ANY_LEVEL),
    ("POST", "/units"): m.Rule(
        lambda c, h, s: c.post("/units", json={"code": NEW_UNIT, "name": "新社区"}, headers=h),
        roles=ADMINS,
        ok=201,
        out_of_scope=422,
    ),
    ("PATCH", "/units/{code}"): m.Rule(
        lambda c, h, s: c.patch(f"/units/{EMPTY_UNIT}", json={"name": "改名社区"}, headers=h), roles=ADMINS
    ),
    ("POST", "/units/{code}/retire"): m.Rule(
        lambda c, h, s: c.post(f"/units/{EMPTY_UNIT}/retire", headers=h), roles=ADMINS
    ),
    ("GET", "/units/{code}/history"): m.Rule(lambda c, h, s: c.get(f"/units/{EMPTY_UNIT}/history", headers=h)),
    ("GET", "/categories"): m.Rule(lambda c, h, s: c.get("/categories", headers=h), levels=m.ANY_LEVEL),
    ("GET", "/duplicates"): m.Rule(lambda c, h, s: c.get("/duplicates", headers=h), roles=READERS, levels=m.ANY_LEVEL),
    ("GET", "/statistics/categories"): m.Rule(
        lambda c, h, s: c.get("/statistics/categories", query_string={"unit": TOWN_A}, headers=h),
        roles=READERS,
        out_of_scope=422,
    ),
    ("GET", "/statistics/representatives"): m.Rule(
        lambda c, h, s: c.get("/statistics/representatives", headers=h), roles=READERS, levels=m.ANY_LEVEL
    ),
    ("POST", "/imports"): m.Rule(lambda c, h, s: upload(c, h), roles=EDITORS, levels=m.ANY_LEVEL, ok=202),
    # Import reports hold birth dates and check characters from ID numbers: editors only.
    ("GET", "/imports/{job_id}"): m.Rule(lambda c, h, s: c.get(f"/imports/{s['job']}", headers=h), roles=EDITORS),
    ("GET", "/imports/{job_id}/errors.xlsx"): m.Rule(
        lambda c, h, s: c.get(f"/imports/{s['job']}/errors.xlsx", headers=h), roles=EDITORS
    ),
    # Contacts (联系人): the person's subtree, like every person's record.
    ("GET", "/people/{person_id}/cadre"): m.Rule(
        lambda c, h, s: c.get(f"/people/{s['rep']}/cadre", headers=h), roles=READERS
    ),
    ("PUT", "/people/{person_id}/cadre"): m.Rule(
        lambda c, h, s: c.put(f"/people/{s['rep']}/cadre", json={"cadre": OTHER_CADRE}, headers=h), roles=EDITORS
    ),
    ("POST", "/people/{person_id}/follow-ups"): m.Rule(
        lambda c, h, s: c.post(f"/people/{s['rep']}/follow-ups", json=FOLLOW_UP, headers=h), roles=EDITORS, ok=201
    ),
    ("GET", "/follow-ups"): m.Rule(
        lambda c, h, s: c.get("/follow-ups", headers=h),
        roles=READERS,
        levels=m.ANY_LEVEL,
        shows_object=lambda r, s: any(t["id"] == s["follow_up"] for t in r.get_json()["items"]),
        listed_units=lambda r: [t["unit_code"] for t in r.get_json()["items"]],
    ),
    ("POST", "/follow-ups/{follow_up_id}/close"): m.Rule(
        lambda c, h, s: c.post(f"/follow-ups/{s['follow_up']}/close", json=CLOSE, headers=h),
        roles=EDITORS,
    ),
    ("GET", "/follow-ups/overdue-counts"): m.Rule(
        lambda c, h, s: c.get("/follow-ups/overdue-counts", query_string={"unit": TOWN_A}, headers=h),
        roles=READERS,
        out_of_scope=422,
    ),
    # Parked notices belong to no unit: county-level admins act, auditors read.
    ("GET", "/parked-notices"): m.Rule(lambda c, h, s: c.get("/parked-notices", headers=h), **DEPARTMENT_READ),
    ("GET", "/parked-notices/{agency}/{notice_id}/actions"): m.Rule(
        lambda c, h, s: c.get(f"/parked-notices/cppcc/{s['notice']}/actions", headers=h), **DEPARTMENT_READ
    ),
    ("POST", "/parked-notices/{agency}/{notice_id}/reapply"): m.Rule(
        lambda c, h, s: c.post(f"/parked-notices/cppcc/{s['notice']}/reapply", json={}, headers=h), **DEPARTMENT_ACT
    ),
    ("POST", "/parked-notices/{agency}/{notice_id}/dismiss"): m.Rule(
        lambda c, h, s: c.post(f"/parked-notices/cppcc/{s['notice']}/dismiss", json={"reason": "重复通知"}, headers=h),
        **DEPARTMENT_ACT,
    ),
    ("GET", "/people/export.xlsx"): m.Rule(
        lambda c, h, s: c.get("/people/export.xlsx", query_string={"purpose": "年度核对名单"}, headers=h),
        roles=READERS,
        levels=m.ANY_LEVEL,
    ),
}


def park_a_notice(reg) -> str:
    """A CPPCC confirmation for an ID number nobody holds: parked by the membership-notice consumer."""
    digest = idnumber.digest(new_id_number(), reg.settings.id_digest_key())
    data = {
        **{"notice_id": "CPPCC-2026-117", "agency": "cppcc", "id_digest": digest, "body": "cppcc", "level": "county"},
        **{"title": "委员", "effective_on": "2026-11-01", "received_at": dt.datetime.now(dt.UTC).isoformat()},
    }
    envelope = Envelope.new(type=MEMBERSHIP_CONFIRMED, source="/tongxin/sharing-gateway", subject=digest, data=data)
    membership_notices.membership_confirmed(reg.uow, envelope)
    return data["notice_id"]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('authz') / 'registry.db'}"
    reg = bootstrap(
        RegistrySettings(
            database_url=url, kafka_bootstrap_servers="127.0.0.1:1", **strong_secrets(RegistrySettings), **trusted()
        )
    )
    reg.migrate()
    load_shipped_units(reg.engine)
    client = create_app(reg).test_client()
    town = {"Authorization": f"Bearer {ISSUER.issue('seed-admin', ['admin'], TOWN_A)}"}

    def register(**kw):
        r = client.post("/people", json=person_body(unit_code=TOWN_A, **kw), headers=town)
        assert r.status_code == 201, r.get_json()
        return r.get_json()["id"]

    seed = {"p1": register(), "p2": register(name="张伟"), "archived": register(name="李娜")}
    sibling = {"Authorization": f"Bearer {ISSUER.issue('sibling-admin', ['admin'], LEVELS['sibling'])}"}
    body = person_body(unit_code=LEVELS["sibling"], name="赵敏", id_number=new_id_number())
    assert client.post("/people", json=body, headers=sibling).status_code == 201
    assert client.post(f"/people/{seed['archived']}/archive", json={}, headers=v1(town)).status_code == 200
    assert client.post("/units", json={"code": EMPTY_UNIT, "name": "空社区"}, headers=town).status_code == 201
    seed["rep"] = register(name="孙丽", representative_roles=TOWN_NPC, vetting_basis="换届考察合格")
    cadre = {"cadre": {"subject": "wang.li", "name": "王丽", "unit": TOWN_A}}
    assert client.put(f"/people/{seed['rep']}/cadre", json=cadre, headers=town).status_code == 200
    planned = client.post(f"/people/{seed['rep']}/follow-ups", json=FOLLOW_UP, headers=town)
    assert planned.status_code == 201, planned.get_json()
    seed["follow_up"] = planned.get_json()["id"]
    seed["notice"] = park_a_notice(reg)
    job = upload(client, town)
    assert job.status_code == 202, job.get_json()
    seed["job"] = job.get_json()["id"]
    yield reg, client, seed
    reg.engine.dispose()


def test_every_operation_has_a_rule(seeded):
    _, client, _ = seeded
    assert m.operations(client) == set(MATRIX)


def test_the_matrix(seeded):
    reg, client, seed = seeded
    calls, mismatches = m.run(client, reg.engine, seed, MATRIX, LEVELS)
    assert mismatches == [], "\n".join(map(str, mismatches))
    assert calls == len(MATRIX) * len(m.LEVEL_NAMES) * 7
