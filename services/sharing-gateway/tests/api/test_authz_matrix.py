"""The sharing gateway's authorization matrix (``tests/support/authz_matrix.py``): every operation
x role x unit level, against agencies whose policy region is the county. Reads list only the
agencies whose region lies in the caller's subtree; approving a request of another region
answers 404, as for an id that does not exist."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sharing_gateway import notice_sender
from sharing_gateway.adapters.tables import agencies
from sharing_gateway.bootstrap import bootstrap
from sharing_gateway.config import GatewaySettings
from sharing_gateway.domain import signing
from sharing_gateway.entrypoints.api.app import create_app
from sharing_gateway.service_layer import agencies as agencies_service
from sharing_gateway.service_layer import approvals, data_requests, notice_keys, read_model

from chassis import idnumber
from chassis.auth import Principal
from tests.support import authz_matrix as m
from tests.support.people import person_event
from tests.support.secrets import strong_secrets
from tests.support.tokens import trusted

from ..conftest import POLICIES
from .feed_helpers import ID_NUMBER

COUNTY = "370783000000"
LEVELS = {
    "own": COUNTY,
    "parent": "370700000000",
    "child": "370783001000",
    "sibling": "370782000000",
    "other county": "370881000000",
}
GATEWAY_ADMIN = ("gateway_admin",)
READERS = ("admin", "auditor", "gateway_admin")
AUDITOR = ("auditor",)

MATRIX = {
    ("GET", "/.well-known/tongxin-feed-keys"): m.Rule(
        lambda c, h, s: c.get("/.well-known/tongxin-feed-keys", headers=h), audience="public"
    ),
    ("GET", "/feed"): m.Rule(lambda c, h, s: c.get("/feed", headers=h), audience="agency"),
    ("POST", "/notices"): m.Rule(lambda c, h, s: c.post("/notices", json={}, headers=h), audience="agency"),
    ("GET", "/agency"): m.Rule(lambda c, h, s: c.get("/agency", headers=h), audience="agency"),
    ("GET", "/agencies"): m.Rule(
        lambda c, h, s: c.get("/agencies", headers=h),
        roles=READERS,
        levels=m.ANY_LEVEL,
        shows_object=lambda r, s: "court" in [a["code"] for a in r.get_json()],
    ),
    ("POST", "/agencies/{code}/{action}"): m.Rule(
        lambda c, h, s: c.post("/agencies/court/pause", json={"reason": "维护"}, headers=h),
        roles=GATEWAY_ADMIN,
        out_of_scope=403,
    ),
    ("POST", "/agencies/{code}/key-requests"): m.Rule(
        lambda c, h, s: c.post("/agencies/court/key-requests", headers=h), roles=GATEWAY_ADMIN, ok=201, out_of_scope=403
    ),
    ("POST", "/agencies/{code}/keys/{key_id}/revocation"): m.Rule(
        lambda c, h, s: c.post(f"/agencies/court/keys/{s['court_key_id']}/revocation", headers=h),
        roles=GATEWAY_ADMIN,
        ok=201,
        out_of_scope=403,
    ),
    ("POST", "/agencies/{code}/notice-keys"): m.Rule(
        lambda c, h, s: c.post("/agencies/court/notice-keys", json={"jwk": s["notice_jwk"]}, headers=h),
        roles=GATEWAY_ADMIN,
        ok=201,
        out_of_scope=403,
    ),
    ("POST", "/agencies/{code}/notice-keys/{kid}/retirement"): m.Rule(
        lambda c, h, s: c.post(f"/agencies/court/notice-keys/{s['court_kid']}/retirement", headers=h),
        roles=GATEWAY_ADMIN,
        ok=201,
        out_of_scope=403,
    ),
    ("POST", "/agencies/{code}/policy-activations"): m.Rule(
        lambda c, h, s: c.post("/agencies/cppcc/policy-activations", headers=h),
        roles=GATEWAY_ADMIN,
        ok=201,
        out_of_scope=403,
    ),
    ("GET", "/admin-requests"): m.Rule(
        lambda c, h, s: c.get("/admin-requests", headers=h),
        roles=("gateway_admin", "auditor"),
        levels=m.ANY_LEVEL,
        shows_object=lambda r, s: any(q["id"] == s["request"] for q in r.get_json()),
    ),
    ("POST", "/admin-requests/{request_id}/approve"): m.Rule(
        lambda c, h, s: c.post(f"/admin-requests/{s['request']}/approve", headers=h),
        roles=GATEWAY_ADMIN,
        out_of_scope=404,  # the same answer as for a made-up id
    ),
    ("GET", "/policies"): m.Rule(
        lambda c, h, s: c.get("/policies", headers=h),
        roles=READERS,
        levels=m.ANY_LEVEL,
        shows_object=lambda r, s: "court" in [p["agency"] for p in r.get_json()],
    ),
    ("GET", "/ledger"): m.Rule(
        lambda c, h, s: c.get("/ledger", headers=h),
        roles=READERS,
        levels=m.ANY_LEVEL,
        shows_object=lambda r, s: "public_security" in [e["agency"] for e in r.get_json()],
    ),
    # The catalogue is the same for every unit; which agencies receive an item shows only where their
    # region lies in the caller's subtree. Agencies read it with their key (tests/api/test_catalogue.py).
    ("GET", "/catalogue"): m.Rule(
        lambda c, h, s: c.get("/catalogue?event_type=cn.tongxin.evaluation.veto.applied.v1", headers=h),
        roles=READERS,
        levels=m.ANY_LEVEL,
        shows_object=lambda r, s: any("court" in i["granted_to"] for i in r.get_json()["items"]),
    ),
    ("GET", "/catalogue/export"): m.Rule(
        lambda c, h, s: c.get("/catalogue/export", headers=h), roles=READERS, levels=m.ANY_LEVEL
    ),
    ("GET", "/ledger/verify"): m.Rule(
        lambda c, h, s: c.get("/ledger/verify", headers=h), roles=READERS, out_of_scope=403
    ),
    # A person's disclosure record: auditors whose unit covers the person (a county-level person here);
    # anyone else outside the subtree gets the 404 of a person nobody knows.
    ("GET", "/people/{person_id}/disclosures"): m.Rule(
        lambda c, h, s: c.get("/people/p-county/disclosures", headers=h), roles=AUDITOR
    ),
    ("GET", "/people/{person_id}/disclosures/report"): m.Rule(
        lambda c, h, s: c.get("/people/p-county/disclosures/report", headers=h), roles=AUDITOR
    ),
    ("POST", "/people/disclosures/by-id-number"): m.Rule(
        lambda c, h, s: c.post("/people/disclosures/by-id-number", json={"id_number": ID_NUMBER}, headers=h),
        roles=AUDITOR,
    ),
    # Data requests: agencies apply and answer with their key (tests/api/test_data_requests.py); staff read
    # the requests of their region's agencies, gateway admins review and answer them.
    ("POST", "/data-requests"): m.Rule(lambda c, h, s: c.post("/data-requests", json={}, headers=h), audience="agency"),
    ("POST", "/data-requests/{request_id}/information"): m.Rule(
        lambda c, h, s: c.post(f"/data-requests/{s['data_request']}/information", json={}, headers=h),
        audience="agency",
    ),
    ("GET", "/data-requests"): m.Rule(
        lambda c, h, s: c.get("/data-requests", headers=h),
        roles=READERS,
        levels=m.ANY_LEVEL,
        shows_object=lambda r, s: any(q["id"] == s["data_request"] for q in r.get_json()),
    ),
    ("GET", "/data-requests/{request_id}"): m.Rule(
        lambda c, h, s: c.get(f"/data-requests/{s['data_request']}", headers=h), roles=READERS
    ),
    ("POST", "/data-requests/{request_id}/review"): m.Rule(
        lambda c, h, s: c.post(f"/data-requests/{s['data_request']}/review", headers=h), roles=GATEWAY_ADMIN
    ),
    ("POST", "/data-requests/{request_id}/information-requests"): m.Rule(
        lambda c, h, s: c.post(
            f"/data-requests/{s['data_request']}/information-requests", json={"question": "用途？"}, headers=h
        ),
        roles=GATEWAY_ADMIN,
    ),
    ("POST", "/data-requests/{request_id}/decision"): m.Rule(
        lambda c, h, s: c.post(
            f"/data-requests/{s['data_request']}/decision",
            json={"outcome": "refuse", "reason_zh": "用途与所申请数据不符"},
            headers=h,
        ),
        roles=GATEWAY_ADMIN,
    ),
}
RESUME = {
    ("POST", "/agencies/{code}/resume"): m.Rule(
        lambda c, h, s: c.post("/agencies/npc/resume", json={}, headers=h), roles=GATEWAY_ADMIN, out_of_scope=403
    ),
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("authz")
    signing.write_new(tmp / "signing.pem")
    gw = bootstrap(
        GatewaySettings(
            database_url=f"sqlite:///{tmp / 'gateway.db'}",
            kafka_bootstrap_servers="127.0.0.1:1",
            policy_dir=str(POLICIES),
            signing_key_file=str(tmp / "signing.pem"),
            **strong_secrets(GatewaySettings),
            **trusted(),
        )
    )
    gw.migrate()
    seeder = Principal("seed-gw", "seed-gw", frozenset({"gateway_admin"}), COUNTY)
    with gw.uow() as uow:
        uow.session.execute(agencies.update().where(agencies.c.code == "npc").values(paused=True))
        uow.session.execute(agencies.update().where(agencies.c.code == "cppcc").values(policy_version="cppcc@v0#old"))
        request = approvals.ask(uow, gw.policies, seeder, "public_security", approvals.ISSUE_KEY)
        court_key = notice_keys.public_key_of(notice_sender.public_jwk(notice_sender.new_key()))
        court_kid = notice_keys.register(uow, "court", court_key, "seed")
        court_key_id = agencies_service.issue_key(uow, "court", "seed", dt.timedelta(days=7)).split(".")[1]
        uow.commit()
    data_request, _ = data_requests.apply(
        gw.uow,
        gw.policies,
        gw.calendar,
        "court",
        {
            "items": [{"event": "cn.tongxin.evaluation.veto.applied.v1", "fields": ["person_id"]}],
            "purpose": "核对通报对象",
            "legal_basis": "统战部与政法机关信息共享协议",
            "region": COUNTY,
            "ends_on": dt.date.today() + dt.timedelta(days=30),
        },
        None,
    )
    digest = idnumber.digest(ID_NUMBER, gw.settings.id_digest_key())  # a person of the county, in the people view
    read_model.apply_person_event(gw.uow, person_event("p-county", unit=COUNTY, digest=digest))
    with gw.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(agencies)).scalar() == 4
    jwk = notice_sender.public_jwk(notice_sender.new_key())
    yield (
        gw,
        create_app(gw).test_client(),
        {
            "request": request["id"],
            "at": dt.datetime.now(dt.UTC),
            "notice_jwk": jwk,
            "court_kid": court_kid,
            "court_key_id": court_key_id,
            "data_request": data_request["id"],
        },
    )
    gw.engine.dispose()


def test_every_operation_has_a_rule(seeded):
    _, client, _ = seeded
    assert m.operations(client) == set(MATRIX)


def test_the_matrix(seeded):
    gw, client, seed = seeded
    calls, mismatches = m.run(client, gw.engine, seed, {**MATRIX, **RESUME}, LEVELS)
    assert mismatches == [], "\n".join(map(str, mismatches))
    assert calls == len({**MATRIX, **RESUME}) * len(m.LEVEL_NAMES) * 7
