"""Review of issue 15, the gateway's findings, tried as an attacker would: a paused agency or one
writing about a person outside its region (M1), a leaked key that cannot be stopped (M2), the
operator's command line or a new policy file skipping the four eyes (L3), a town reading the
county's agencies or probing request ids (L4), and a ledger that does not say who approved (L5)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil

import sqlalchemy as sa
from sharing_gateway.adapters.tables import agency_keys, agency_notice_keys, feed_entries, ledger, notices, outbox
from sharing_gateway.bootstrap import bootstrap
from sharing_gateway.config import GatewaySettings
from sharing_gateway.domain import signing
from sharing_gateway.entrypoints.api.app import create_app
from sharing_gateway.service_layer import agencies
from sharing_gateway.service_layer import ledger as ledger_service

from chassis import idnumber
from tests.support.people import person_event
from tests.support.secrets import strong_secrets
from tests.support.tokens import trusted

from .. import conftest as c
from .feed_helpers import ID_NUMBER, api, feed, member_event, notice

TOWN = "370783001000"
ELSEWHERE = idnumber.make("370881", dt.date(1971, 8, 3), 27, "male")  # a person of another county
NOBODY = idnumber.make("370783", dt.date(1980, 1, 5), 33, "female")  # known to nobody


def written(gateway) -> dict:
    with gateway.engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in (notices, outbox, feed_entries, ledger, agency_keys, agency_notice_keys)
        }


def passed_on(gateway) -> list[str]:
    """The id digests (the records' keys) of the violation notices the gateway passed on to evaluation."""
    with gateway.engine.connect() as conn:
        kind = outbox.c.event_type == "cn.tongxin.gateway.notice.violation.v1"
        return list(conn.execute(sa.select(outbox.c.key).where(kind)).scalars())


def test_a_paused_agency_cannot_post_notices(client, gateway, staff, post_notice, consume):
    consume(member_event())
    paused = client.post("/agencies/court/pause", json={"reason": "密钥泄露"}, headers=staff("gateway_admin"))
    assert paused.status_code == 200
    before = written(gateway)
    r = post_notice("court", notice())
    assert r.status_code == 403 and r.mimetype == "application/problem+json"
    assert "paused" in r.get_json()["detail_en"] and "暂停" in r.get_json()["detail"]
    assert written(gateway) == before
    assert client.post("/agencies/court/resume", json={}, headers=staff("gateway_admin")).status_code == 200
    assert post_notice("court", notice()).status_code == 201


def test_a_notice_about_someone_outside_the_region_is_answered_like_one_about_nobody(gateway, post_notice, consume):
    key = gateway.settings.id_digest_key()
    consume(member_event(), person_event("far", unit="370881005001", digest=idnumber.digest(ELSEWHERE, key)))
    answers = {}
    for notice_id, number in (("N-in", ID_NUMBER), ("N-far", ELSEWHERE), ("N-nobody", NOBODY)):
        r = post_notice("court", notice(notice_id=notice_id, id_number=number))
        assert r.status_code == 201
        answers[notice_id] = r.get_json()
    shape = {k: sorted(v["data"]) for k, v in answers.items()}
    assert shape["N-far"] == shape["N-nobody"] == shape["N-in"]
    assert {v["data"]["status"] for v in answers.values()} == {"accepted"}
    with gateway.engine.connect() as conn:
        people = dict(conn.execute(sa.select(notices.c.notice_id, notices.c.person_id)).all())
    assert people == {"N-in": "p1", "N-far": None, "N-nobody": None}
    # Only the in-region person's notice goes on to evaluation; the others are parked.
    assert passed_on(gateway) == [idnumber.digest(ID_NUMBER, key)]
    # The other county's person moves again, still outside: still parked. The unknown person is
    # registered in the county: their notice goes on now, linked to them.
    consume(
        person_event("far", unit="370881005002", version=2, digest=idnumber.digest(ELSEWHERE, key)),
        person_event("new", unit="370783002001", digest=idnumber.digest(NOBODY, key)),
    )
    assert sorted(passed_on(gateway)) == sorted(idnumber.digest(n, key) for n in (ID_NUMBER, NOBODY))
    with gateway.engine.connect() as conn:
        assert conn.execute(sa.select(notices.c.person_id).where(notices.c.notice_id == "N-nobody")).scalar() == "new"
    consume(person_event("new", unit="370783002001", version=2, digest=idnumber.digest(NOBODY, key)))
    assert len(passed_on(gateway)) == 2  # released once


def test_a_rescinded_parked_notice_never_goes_on(gateway, post_notice, consume):
    key = gateway.settings.id_digest_key()
    assert post_notice("court", notice(notice_id="N-x", id_number=NOBODY)).status_code == 201
    rescission = notice("violation_rescinded", notice_id="N-x-R", original_notice_id="N-x")
    assert post_notice("court", rescission).status_code == 201
    consume(person_event("new", unit="370783002001", digest=idnumber.digest(NOBODY, key)))
    assert passed_on(gateway) == []


def test_a_leaked_key_is_revoked_by_two_gateway_admins_and_stops_at_once(client, keys, gateway, staff):
    alice, bob = staff("gateway_admin", sub="alice"), staff("gateway_admin", sub="bob")
    court_id, cppcc_id = keys["court"].split(".")[1], keys["cppcc"].split(".")[1]
    before = written(gateway)
    for path in (f"/agencies/court/keys/{cppcc_id}/revocation", "/agencies/court/keys/0000000000000000/revocation"):
        r = client.post(path, headers=alice)  # another agency's key, or none at all: the same 404
        assert r.status_code == 404 and r.get_json()["detail_en"] == "The agency has no API key in force with that id"
    town = client.post(f"/agencies/court/keys/{court_id}/revocation", headers=staff("gateway_admin", unit=TOWN))
    assert town.status_code == 403
    assert written(gateway) == before
    asked = client.post(f"/agencies/court/keys/{court_id}/revocation", headers=alice)
    assert asked.status_code == 201 and asked.get_json()["key_id"] == court_id
    assert client.post(f"/agencies/court/keys/{court_id}/revocation", headers=bob).status_code == 409
    assert client.post(f"/admin-requests/{asked.get_json()['id']}/approve", headers=alice).status_code == 403
    assert feed(client, keys["court"])["agency"] == "court"  # not yet
    done = client.post(f"/admin-requests/{asked.get_json()['id']}/approve", headers=bob)
    assert done.status_code == 200 and done.get_json()["approved_by"] == "bob"
    refused = client.get("/feed", headers=api(keys["court"]))
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    assert feed(client, keys["cppcc"])["agency"] == "cppcc"
    again = client.post(f"/agencies/court/keys/{court_id}/revocation", headers=alice)
    assert again.status_code == 404  # revoked keys cannot be revoked twice
    records = client.get("/ledger", headers=staff("auditor"), query_string={"agency": "court"}).get_json()
    admin_records = [(r["event_type"], r["requested_by"], r["approved_by"]) for r in records if r["sequence"] == 0]
    assert admin_records == [
        ("cn.tongxin.gateway.admin.key_revocation_requested", "alice", None),
        ("cn.tongxin.gateway.admin.key_revoked", "alice", "bob"),
    ]


def test_who_approved_is_in_the_chain_and_covered_by_its_hash(client, keys, gateway, staff):
    asked = client.post("/agencies/court/key-requests", headers=staff("gateway_admin", sub="alice")).get_json()
    client.post(f"/admin-requests/{asked['id']}/approve", headers=staff("gateway_admin", sub="bob"))
    with gateway.engine.connect() as conn:
        issued = conn.execute(sa.select(ledger).where(ledger.c.event_type.like("%key_issued"))).mappings().one()
        assert (issued["requested_by"], issued["approved_by"]) == ("alice", "bob")
    assert ledger_service.verify_all(gateway.uow).ok
    with gateway.engine.begin() as conn:  # someone with DDL drops the guard and names another approver
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP TRIGGER disclosure_ledger_append_only ON disclosure_ledger")
        else:
            conn.exec_driver_sql("DROP TRIGGER disclosure_ledger_no_update")
        conn.execute(ledger.update().where(ledger.c.position == issued["position"]).values(approved_by="alice"))
    verdict = ledger_service.verify_all(gateway.uow)
    assert not verdict.ok and verdict.position == issued["position"] and "changed" in verdict.problem


def test_a_new_agencys_policy_waits_for_two_gateway_admins(database_url, tmp_path):
    # The deployment started with the court alone; the NPC's policy file is added later.
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(c.POLICIES / "court.toml", first)
    signing.write_new(tmp_path / "signing.pem")
    settings = GatewaySettings(
        database_url=database_url,
        kafka_bootstrap_servers="127.0.0.1:1",
        policy_dir=str(first),
        signing_key_file=str(tmp_path / "signing.pem"),
        **strong_secrets(GatewaySettings),
        **trusted(),
    )
    early = bootstrap(settings)
    early.migrate()
    early.engine.dispose()
    gateway = bootstrap(dataclasses.replace(settings, policy_dir=str(c.POLICIES)))
    gateway.migrate()
    client, staff = create_app(gateway).test_client(), c.staff_headers(gateway)
    with gateway.uow() as uow:
        npc_key = agencies.issue_key(uow, "npc", "test", dt.timedelta(days=7))
        uow.commit()
    status = {a["code"]: a for a in client.get("/agencies", headers=staff("auditor")).get_json()}
    assert status["court"]["policy_awaiting"] is None
    assert status["npc"]["policy_awaiting"] == gateway.policies["npc"].version_label
    c.consumer(gateway)(member_event("a", roles=(("npc", "county"),)))
    assert feed(client, npc_key)["entries"] == []
    alice, bob = staff("gateway_admin", sub="alice"), staff("gateway_admin", sub="bob")
    asked = client.post("/agencies/npc/policy-activations", headers=alice).get_json()
    assert client.post(f"/admin-requests/{asked['id']}/approve", headers=alice).status_code == 403
    assert feed(client, npc_key)["entries"] == []
    assert client.post(f"/admin-requests/{asked['id']}/approve", headers=bob).status_code == 200
    assert [e["data"]["person_id"] for e in feed(client, npc_key)["entries"]] == ["a"]
    gateway.engine.dispose()


def test_a_town_sees_nothing_of_the_countys_agencies(client, keys, gateway, staff, consume):
    consume(member_event())
    asked = client.post("/agencies/court/key-requests", headers=staff("gateway_admin", sub="alice")).get_json()
    for roles in (("gateway_admin",), ("auditor",), ("admin",)):
        town = staff(*roles, unit=TOWN, sub="town")
        assert client.get("/agencies", headers=town).get_json() == []
        assert client.get("/policies", headers=town).get_json() == []
        assert client.get("/ledger", headers=town).get_json() == []
        assert client.get("/ledger", headers=town, query_string={"agency": "cppcc"}).get_json() == []
        assert client.get("/ledger/verify", headers=town).status_code == 403
    assert client.get("/admin-requests", headers=staff("auditor", unit=TOWN)).get_json() == []
    county = staff("auditor")
    assert len(client.get("/agencies", headers=county).get_json()) == 4
    assert len(client.get("/policies", headers=county).get_json()) == 4
    assert client.get("/ledger", headers=county).get_json() != []
    # Approving: a real request of another region and a made-up id get the very same answer.
    town_admin = staff("gateway_admin", unit=TOWN, sub="town")
    before = written(gateway)
    real = client.post(f"/admin-requests/{asked['id']}/approve", headers=town_admin)
    bogus = client.post("/admin-requests/00000000-0000-0000-0000-000000000000/approve", headers=town_admin)
    assert real.status_code == bogus.status_code == 404
    strip = ("instance", "request_id", "trace_id")
    assert {k: v for k, v in real.get_json().items() if k not in strip} == {
        k: v for k, v in bogus.get_json().items() if k not in strip
    }
    assert written(gateway) == before


def test_a_notice_parked_in_the_same_moment_as_its_persons_registration_still_goes_on(gateway, post_notice):
    """The race: the notice's transaction did not see the person yet, and the registration's
    ``release`` did not see the parked notice yet. The worker's sweep passes it on, once."""
    from sharing_gateway.service_layer import parked_notices, read_model

    key = gateway.settings.id_digest_key()
    assert post_notice("court", notice(notice_id="N-race", id_number=NOBODY)).status_code == 201
    registration = person_event("new", unit="370783002001", digest=idnumber.digest(NOBODY, key))
    read_model.apply_person_event(gateway.uow, registration)  # the people view learns the person, no release
    assert passed_on(gateway) == []
    assert parked_notices.sweep(gateway.uow, gateway.policies) == 1
    assert parked_notices.sweep(gateway.uow, gateway.policies) == 0
    with gateway.uow() as uow:
        assert parked_notices.release(uow, gateway.policies, registration.data) == 0
    assert passed_on(gateway) == [idnumber.digest(NOBODY, key)]


def test_a_parked_notice_that_no_longer_keeps_its_contract_stays_parked_and_fails_nothing(gateway, post_notice):
    """Its person's registration and every sweep go on; the notice waits for an operator."""
    from sharing_gateway.service_layer import parked_notices, read_model

    key = gateway.settings.id_digest_key()
    assert post_notice("court", notice(notice_id="N-stale", id_number=NOBODY)).status_code == 201
    with gateway.engine.begin() as conn:  # as if its contract had changed while it waited
        parked = conn.execute(sa.select(notices.c.parked).where(notices.c.notice_id == "N-stale")).scalar_one()
        stale = {**parked, "data": {**parked["data"], "occurred_on": "not a date"}}
        conn.execute(notices.update().where(notices.c.notice_id == "N-stale").values(parked=stale))
    registration = person_event("new", unit="370783002001", digest=idnumber.digest(NOBODY, key))
    read_model.apply_person_event(gateway.uow, registration)
    with gateway.uow() as uow:
        assert parked_notices.release(uow, gateway.policies, registration.data) == 0
        uow.commit()
    assert parked_notices.sweep(gateway.uow, gateway.policies) == 0
    assert passed_on(gateway) == []
    with gateway.engine.connect() as conn:
        assert conn.execute(sa.select(notices.c.parked).where(notices.c.notice_id == "N-stale")).scalar_one()
