"""The qualification loop against the ways around it, on each database: a lost qualification belongs
to the person, not to one record of them; a vetting decision is only as good as who made it; and a
membership notice that arrives late cannot undo a newer one."""

from __future__ import annotations

import sqlalchemy as sa

from chassis import idnumber
from chassis.contracts.evaluation import QUALIFICATION_REVOKED, REPRESENTATIVE_RETAINED
from chassis.contracts.gateway import MEMBERSHIP_CONFIRMED, MEMBERSHIP_ENDED
from registry.adapters.tables import parked_notices, vettings
from registry.service_layer import evaluation_outcomes, membership_notices
from services.registry.tests.api.test_qualification_loop import CPPCC, decision, notice, put_roles
from services.registry.tests.support import DONGGUAN, SHENGCHENG, XICHENG, count, person_body


def revoked_member(registry, create, **body):
    p = create(representative_roles=CPPCC, vetting_basis="2021年换届考察合格", **body)
    evaluation_outcomes.qualification_revoked(registry.uow, decision(QUALIFICATION_REVOKED, p["id"]))
    return p


def test_a_new_record_for_an_archived_revoked_member_cannot_bring_the_role_back(registry, client, auth, create):
    body = person_body()
    p = revoked_member(registry, create, **body)
    version = client.get(f"/people/{p['id']}", headers=auth()).headers["ETag"]
    archived = client.post(f"/people/{p['id']}/archive", json={"reason": "迁出"}, headers=auth(**{"If-Match": version}))
    assert archived.status_code == 200
    people_before = count(registry)

    again = {**body, "representative_roles": CPPCC, "vetting_basis": "本届考察合格"}
    refused = client.post("/people", json=again, headers=auth())
    assert refused.status_code == 409 and refused.get_json()["decision_id"] == "d-42"
    assert count(registry) == people_before
    elsewhere = auth(unit=XICHENG)  # the person moved to another community, whose staff register them
    fresh = client.post("/people", json={**body, "unit_code": XICHENG, "representative_roles": []}, headers=elsewhere)
    assert fresh.status_code == 201  # the person may be registered again, only not given the role
    assert put_roles(client, auth, fresh.get_json()["id"], CPPCC, vetting_basis="本届考察合格").status_code == 409
    # The new community's staff learn why the role is refused, not the reason the old record holds.
    record = client.get(f"/people/{fresh.get_json()['id']}/qualification", headers=elsewhere).get_json()
    assert [(i["decision_id"], i["standing"], i["reason"]) for i in record["ineligibilities"]] == [("d-42", True, None)]
    assert (
        client.get(f"/people/{fresh.get_json()['id']}/qualification", headers=auth())
        .get_json()["ineligibilities"][0]["reason"]
        .startswith("一票否决")
    )


def test_merging_cannot_join_a_revoked_member_to_a_record_that_holds_the_role(registry, client, auth, create):
    revoked = revoked_member(registry, create)
    holder = create(representative_roles=CPPCC, vetting_basis="换届考察合格")  # the same person, a mistyped ID
    for survivor, duplicate in ((revoked, holder), (holder, revoked)):
        r = client.post(f"/people/{survivor['id']}/merge", json={"duplicate_id": duplicate["id"]}, headers=auth())
        assert r.status_code == 409 and r.get_json()["decision_id"] == "d-42"
        assert client.get(f"/people/{duplicate['id']}", headers=auth()).get_json()["status"] == "active"
    assert client.get(f"/people/{revoked['id']}", headers=auth()).get_json()["representative_roles"] == []

    # Without the role the records merge, and the lost qualification follows the survivor.
    assert put_roles(client, auth, holder["id"], []).status_code == 200
    r = client.post(f"/people/{holder['id']}/merge", json={"duplicate_id": revoked["id"]}, headers=auth())
    assert r.status_code == 200
    assert put_roles(client, auth, holder["id"], CPPCC, vetting_basis="本届考察合格").status_code == 409
    standing = client.get(f"/people/{holder['id']}/qualification", headers=auth()).get_json()
    assert [i["decision_id"] for i in standing["ineligibilities"]] == ["d-42"]


def test_town_and_community_staff_cannot_vouch_for_a_county_seat(registry, client, auth, create):
    p = create()
    town, community = (lambda **h: auth(unit=SHENGCHENG, **h)), (lambda **h: auth(unit=DONGGUAN, **h))
    vettings_before, before = count(registry, vettings), client.get(f"/people/{p['id']}", headers=auth()).json
    for staff in (town, community):
        refused = put_roles(client, staff, p["id"], CPPCC, vetting_basis="本社区考察合格")
        assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
        assert "县级" in refused.get_json()["detail"] and refused.get_json()["level"] == "county"
    registering = person_body(representative_roles=CPPCC, vetting_basis="考察合格")
    assert client.post("/people", json=registering, headers=community()).status_code == 403
    assert count(registry, vettings) == vettings_before
    assert client.get(f"/people/{p['id']}", headers=auth()).json == before
    # A town seat is the town's to vet; the county vets the county seat.
    town_npc = [{"body": "npc", "level": "town", "title": "镇人大代表", "since": None}]
    assert put_roles(client, community, p["id"], town_npc, vetting_basis="社区考察合格").status_code == 403
    assert put_roles(client, town, p["id"], town_npc, vetting_basis="镇党委考察合格").status_code == 200
    assert put_roles(client, auth, p["id"], town_npc + CPPCC, vetting_basis="县委统战部考察合格").status_code == 200


def test_a_late_older_membership_notice_cannot_undo_a_newer_one(registry, client, auth, create):
    body = person_body()
    p = create(**body)
    digest = idnumber.digest(body["id_number"], registry.settings.id_digest_key())

    def roles():
        return [(r["body"], r["since"]) for r in client.get(f"/people/{p['id']}", headers=auth()).json[
            "representative_roles"]]  # fmt: skip

    # The membership ended on 1 March; the CPPCC then resends its confirmation of last year.
    ended = notice(MEMBERSHIP_ENDED, digest, effective_on="2026-03-01")
    old_confirmation = notice(MEMBERSHIP_CONFIRMED, digest, effective_on="2025-01-01")
    membership_notices.membership_ended(registry.uow, ended)
    membership_notices.membership_confirmed(registry.uow, old_confirmation)
    assert roles() == []
    # A confirmation of a later term applies; an ending of the earlier term arriving after it does not.
    next_term, earlier_end = (
        notice(MEMBERSHIP_CONFIRMED, digest, effective_on="2027-01-01"),
        notice(MEMBERSHIP_ENDED, digest, effective_on="2026-06-01"),
    )
    membership_notices.membership_confirmed(registry.uow, next_term)
    membership_notices.membership_ended(registry.uow, earlier_end)
    assert roles() == [("cppcc", "2027-01-01")]
    with registry.engine.connect() as conn:
        parked = conn.execute(sa.select(parked_notices.c.notice_id, parked_notices.c.why)).all()
    assert [why for _, why in parked] == ["stale", "stale"] and old_confirmation.data["notice_id"] in dict(parked)


def test_two_agencies_may_use_the_same_notice_id_and_both_are_parked(registry):
    for agency in ("npc", "cppcc"):
        stranger = notice(MEMBERSHIP_ENDED, "k1:" + "0" * 64, notice_id="2026-001", agency=agency, body=agency)
        membership_notices.membership_ended(registry.uow, stranger)
    with registry.engine.connect() as conn:
        parked = conn.execute(sa.select(parked_notices.c.agency, parked_notices.c.notice_id)).all()
    assert sorted(parked) == [("cppcc", "2026-001"), ("npc", "2026-001")]


def test_a_vetting_is_the_basis_of_one_entry_not_of_every_return(registry, client, auth, create):
    p = create(representative_roles=CPPCC, vetting_basis="2021年换届考察合格")
    assert put_roles(client, auth, p["id"], []).status_code == 200  # the term ended
    back = put_roles(client, auth, p["id"], CPPCC)
    assert back.status_code == 422 and back.get_json()["bodies"] == ["cppcc"]  # the 2021 vetting was used up
    # A passed evaluation is the basis of the next entry, once.
    retained = decision(REPRESENTATIVE_RETAINED, p["id"], decision="retain", reason="评价优秀，保留", round_id="r-1")
    evaluation_outcomes.representative_retained(registry.uow, retained)
    assert put_roles(client, auth, p["id"], CPPCC).status_code == 200
    assert put_roles(client, auth, p["id"], []).status_code == 200
    assert put_roles(client, auth, p["id"], CPPCC).status_code == 422
    record = client.get(f"/people/{p['id']}/qualification", headers=auth()).get_json()["vettings"]
    assert [(v["source"], v["spent_at"] is not None) for v in record] == [("staff", True), ("evaluation", True)]


def test_a_blank_vetting_basis_is_refused_naming_the_field_the_caller_sent(registry, client, auth, create):
    p = create()
    refused = put_roles(client, auth, p["id"], CPPCC, vetting_basis="  好  ")
    problem = refused.get_json()
    assert refused.status_code == 422 and problem["field"] == "vetting_basis"
    assert "vetting_basis" in problem["detail"] and "vetting_basis" in problem["detail_en"]
    assert count(registry, vettings) == 0


def test_a_retain_decision_is_a_basis_only_from_a_round_and_only_county_staff_add_the_county_seat(
    registry, client, auth, create
):
    p = create()
    no_round = decision(REPRESENTATIVE_RETAINED, p["id"], decision="retain", reason="社区会议保留", round_id=None)
    evaluation_outcomes.representative_retained(registry.uow, no_round)  # any evaluator may hold such a meeting
    assert count(registry, vettings) == 0 and put_roles(client, auth, p["id"], CPPCC).status_code == 422
    on_round = decision(REPRESENTATIVE_RETAINED, p["id"], decision="retain", reason="评价优秀，保留", round_id="r-1")
    evaluation_outcomes.representative_retained(registry.uow, on_round)
    community = put_roles(client, lambda **h: auth(unit=DONGGUAN, **h), p["id"], CPPCC)  # no basis of its own
    assert community.status_code == 403 and community.get_json()["level"] == "county"
    assert put_roles(client, auth, p["id"], CPPCC).status_code == 200  # the county enters it on the evaluation


def test_a_revocation_decided_on_a_merged_away_record_removes_the_role_where_it_now_lives(
    registry, client, auth, create
):
    old = create(representative_roles=CPPCC, vetting_basis="2021年换届考察合格")
    survivor = create()
    merged = client.post(f"/people/{survivor['id']}/merge", json={"duplicate_id": old["id"]}, headers=auth())
    assert merged.status_code == 200 and [r["body"] for r in merged.json["representative_roles"]] == ["cppcc"]

    # Evaluation decided on the id it knew, the record since merged away.
    evaluation_outcomes.qualification_revoked(registry.uow, decision(QUALIFICATION_REVOKED, old["id"]))
    assert client.get(f"/people/{survivor['id']}", headers=auth()).json["representative_roles"] == []
    assert put_roles(client, auth, survivor["id"], CPPCC, vetting_basis="本届考察合格").status_code == 409


def test_a_lost_qualification_follows_a_chain_of_merges(registry, client, auth, create):
    first = revoked_member(registry, create)
    middle, last = create(), create()
    for survivor, duplicate in ((middle, first), (last, middle)):
        r = client.post(f"/people/{survivor['id']}/merge", json={"duplicate_id": duplicate["id"]}, headers=auth())
        assert r.status_code == 200
    assert put_roles(client, auth, last["id"], CPPCC, vetting_basis="本届考察合格").status_code == 409
