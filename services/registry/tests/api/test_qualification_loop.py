"""The qualification loop in the registry, on each database: a revocation refuses the role until it
ends (and changes nothing when it refuses), a role needs a basis (凡进必评), and the NPC's and the
CPPCC's membership notices add and remove roles with the notice as their source."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from chassis import idnumber
from chassis.contracts.evaluation import QUALIFICATION_REVOKED, REPRESENTATIVE_RETAINED
from chassis.contracts.gateway import MEMBERSHIP_CONFIRMED, MEMBERSHIP_ENDED
from chassis.events import Envelope
from registry.adapters.tables import history, parked_notices, vettings
from registry.service_layer import evaluation_outcomes, membership_notices
from services.registry.tests.support import DONGGUAN, count, person_body

CPPCC = [{"body": "cppcc", "level": "county", "title": "委员", "since": None}]


def decision(event_type, pid, **extra):
    data = {
        "person_id": pid,
        "unit_code": DONGGUAN,
        "body": "cppcc",
        "decision": "revoke_membership_recommendation",
        "reason": "一票否决，联席会议决定撤销委员推荐",
        "round_id": None,
        "meeting_id": "m-8",
        "decision_id": "d-42",
        "decided_at": dt.datetime.now(dt.UTC).isoformat(),
        **extra,
    }
    return Envelope.new(type=event_type, source="/tongxin/evaluation", subject=pid, data=data)


def notice(event_type, digest, **extra):
    data = {
        "notice_id": f"CPPCC-{uuid.uuid4().hex[:8]}",
        "agency": "cppcc",
        "id_digest": digest,
        "body": "cppcc",
        "level": "county",
        "title": "委员",
        "effective_on": "2026-11-01",
        "received_at": dt.datetime.now(dt.UTC).isoformat(),
        **extra,
    }
    return Envelope.new(type=event_type, source="/tongxin/sharing-gateway", subject=digest, data=data)


def put_roles(client, auth, pid, roles, **extra):
    version = client.get(f"/people/{pid}", headers=auth()).headers["ETag"]
    body = {"roles": roles, "reason": "换届", **extra}
    return client.put(f"/people/{pid}/representative-roles", json=body, headers=auth(**{"If-Match": version}))


def test_a_revoked_member_cannot_be_given_the_role_again_and_the_refusal_changes_nothing(
    registry, client, auth, create
):
    p = create(representative_roles=CPPCC, vetting_basis="2021年换届考察合格")
    evaluation_outcomes.qualification_revoked(registry.uow, decision(QUALIFICATION_REVOKED, p["id"]))
    after_revocation = client.get(f"/people/{p['id']}", headers=auth()).get_json()
    assert after_revocation["representative_roles"] == []
    rows = count(registry, history)

    refused = put_roles(client, auth, p["id"], CPPCC, vetting_basis="本届考察合格")
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    problem = refused.get_json()
    today = dt.date.today()  # five years on; a decision on 29 February holds until the 28th
    until = dt.date(today.year + 5, today.month, 28 if (today.month, today.day) == (2, 29) else today.day).isoformat()
    assert problem["decision_id"] == "d-42" and problem["ineligible_until"] == until
    assert "d-42" in problem["detail"] and until in problem["detail"] and until in problem["detail_en"]
    assert client.get(f"/people/{p['id']}", headers=auth()).get_json() == after_revocation
    assert count(registry, history) == rows
    with registry.engine.connect() as conn:  # the refused request's vetting was not kept either
        assert conn.execute(sa.select(sa.func.count()).select_from(vettings)).scalar() == 1

    standing = client.get(f"/people/{p['id']}/qualification", headers=auth()).get_json()
    assert [(i["body"], i["until"], i["standing"], i["meeting_id"]) for i in standing["ineligibilities"]] == [
        ("cppcc", until, True, "m-8")
    ]
    # Another body is not affected; a revocation with its own end date ends on that day.
    npc = [{"body": "npc", "level": "county"}]
    assert put_roles(client, auth, p["id"], npc, vetting_basis="人大换届考察").status_code == 200
    ended = decision(QUALIFICATION_REVOKED, p["id"], body="npc", decision_id="d-43", ineligible_until="2026-01-01")
    evaluation_outcomes.qualification_revoked(registry.uow, ended)
    assert put_roles(client, auth, p["id"], [], vetting_basis=None).status_code == 200
    assert put_roles(client, auth, p["id"], npc, vetting_basis="再次考察合格").status_code == 200


def test_every_role_added_needs_a_passed_evaluation_or_a_vetting_basis(registry, client, auth, create):
    people_before = count(registry)
    refused = client.post("/people", json=person_body(representative_roles=CPPCC), headers=auth())
    assert refused.status_code == 422 and "凡进必评" in refused.get_json()["detail"]
    assert refused.get_json()["bodies"] == ["cppcc"] and count(registry) == people_before

    p = create()
    assert put_roles(client, auth, p["id"], CPPCC).status_code == 422
    retained = decision(REPRESENTATIVE_RETAINED, p["id"], decision="retain", reason="评价优秀，保留", round_id="r-1")
    evaluation_outcomes.representative_retained(registry.uow, retained)
    assert put_roles(client, auth, p["id"], CPPCC).status_code == 200  # the passed evaluation is the basis
    vetted = client.get(f"/people/{p['id']}/qualification", headers=auth()).get_json()["vettings"]
    assert [(v["source"], v["reference"], v["decided_by"]) for v in vetted] == [("evaluation", "d-42", "evaluation")]
    # A title changed on a seat already held adds nothing: no basis asked.
    assert put_roles(client, auth, p["id"], [{**CPPCC[0], "title": "常委"}]).status_code == 200


def test_the_qualification_record_is_for_editors_of_the_persons_unit(client, auth, create):
    p = create(representative_roles=CPPCC, vetting_basis="换届考察合格")
    url = f"/people/{p['id']}/qualification"
    assert client.get(url, headers=auth(roles=("viewer",))).status_code == 403
    assert client.get(url, headers=auth(unit="370783002000")).status_code == 404
    record = client.get(url, headers=auth()).get_json()
    assert [(v["source"], v["basis"], v["decided_by"]) for v in record["vettings"]] == [
        ("staff", "换届考察合格", "staff1")
    ]


def test_membership_notices_add_and_remove_the_role_with_the_notice_as_source(registry, client, auth, create):
    body = person_body()
    p = create(**body)
    digest = idnumber.digest(body["id_number"], registry.settings.id_digest_key())
    confirmed = notice(MEMBERSHIP_CONFIRMED, digest)
    for _ in range(2):  # a second delivery of the same notice changes nothing
        membership_notices.membership_confirmed(registry.uow, confirmed)
    person = client.get(f"/people/{p['id']}", headers=auth()).get_json()
    seat = {"body": "cppcc", "level": "county", "title": "委员", "since": "2026-11-01"}
    assert person["representative_roles"] == [seat]
    assert person["version"] == p["version"] + 1
    hist = client.get(f"/people/{p['id']}/history", headers=auth()).get_json()
    (change,) = [h for h in hist if h["action"] == "representative_changed"]
    assert change["actor"] == "notice:cppcc"

    ended = notice(MEMBERSHIP_ENDED, digest, effective_on="2026-12-01")
    membership_notices.membership_ended(registry.uow, ended)
    membership_notices.membership_ended(registry.uow, ended)
    assert client.get(f"/people/{p['id']}", headers=auth()).get_json()["representative_roles"] == []
    hist = client.get(f"/people/{p['id']}/history", headers=auth()).get_json()
    assert [h["actor"] for h in hist if h["action"] == "representative_changed"] == ["notice:cppcc"] * 2


def test_notices_the_registry_cannot_apply_are_parked_not_retried(registry, client, auth, create):
    body = person_body()
    p = create(**body)
    digest = idnumber.digest(body["id_number"], registry.settings.id_digest_key())
    evaluation_outcomes.qualification_revoked(registry.uow, decision(QUALIFICATION_REVOKED, p["id"]))
    stranger = notice(MEMBERSHIP_ENDED, "k1:" + "0" * 64)
    odd = notice(MEMBERSHIP_CONFIRMED, digest, level="village")
    impostor = notice(MEMBERSHIP_CONFIRMED, digest, agency="npc")  # the NPC speaking for the CPPCC
    revoked = notice(MEMBERSHIP_CONFIRMED, digest)  # the qualification stands revoked
    for _ in range(2):
        membership_notices.membership_ended(registry.uow, stranger)
    for confirmation in (odd, impostor, revoked):
        membership_notices.membership_confirmed(registry.uow, confirmation)
    with registry.engine.connect() as conn:
        parked = conn.execute(sa.select(parked_notices.c.notice_id, parked_notices.c.why)).all()
    expected = [(stranger, "unknown_person"), (odd, "unknown_role"), (impostor, "agency_not_body")]
    expected.append((revoked, "ineligible"))
    assert sorted(parked) == sorted((n.data["notice_id"], why) for n, why in expected)
    assert client.get(f"/people/{p['id']}", headers=auth()).get_json()["representative_roles"] == []
