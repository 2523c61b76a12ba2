"""Parked membership notices on each database: county-level admins and auditors list them (no ID
digest in the answer), admins re-apply one (still parked with why, or applied once the person is
registered) or dismiss one, each action audited; the metric counts what is still parked; anyone
else is refused and nothing changes."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from chassis import idnumber
from chassis.contracts.gateway import MEMBERSHIP_CONFIRMED, MEMBERSHIP_ENDED
from chassis.events import Envelope
from registry.adapters.liaison_tables import parked_notice_actions
from registry.adapters.tables import parked_notices
from registry.service_layer import membership_notices
from registry.service_layer import parked_notices as handling
from services.registry.tests.support import COUNTY, DONGGUAN, SHENGCHENG, count, new_id_number


def park(registry, event_type=MEMBERSHIP_CONFIRMED, id_number=None, **extra):
    digest = idnumber.digest(id_number or new_id_number(), registry.settings.id_digest_key())
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
    envelope = Envelope.new(type=event_type, source="/tongxin/sharing-gateway", subject=digest, data=data)
    getattr(membership_notices, event_type.split(".")[-2])(registry.uow, envelope)
    return data


def state(registry, notice_id, agency="cppcc"):
    with registry.engine.connect() as conn:
        query = sa.select(parked_notices.c.state, parked_notices.c.why).where(
            parked_notices.c.agency == agency, parked_notices.c.notice_id == notice_id
        )
        return tuple(conn.execute(query).one())


def test_admins_and_auditors_of_the_county_list_parked_notices_without_the_id_digest(client, auth, registry):
    first, second = park(registry), park(registry, MEMBERSHIP_ENDED)
    page = client.get("/parked-notices", query_string={"limit": 1}, headers=auth(roles=["auditor"])).get_json()
    assert [n["notice_id"] for n in page["items"]] == [first["notice_id"]]
    rest = client.get("/parked-notices", query_string={"cursor": page["next_cursor"]}, headers=auth(roles=["admin"]))
    assert [n["notice_id"] for n in rest.get_json()["items"]] == [second["notice_id"]]
    item = page["items"][0]
    assert [item[k] for k in ("kind", "why", "level", "state")] == ["confirmed", "unknown_person", "county", "parked"]
    assert "id_digest" not in item and first["id_digest"] not in rest.get_data(as_text=True) + str(page)
    for headers, status in [
        (auth(roles=["editor"]), 403),
        (auth(roles=["admin"], unit=SHENGCHENG), 403),  # a town admin: parked notices belong to no town
    ]:
        r = client.get("/parked-notices", headers=headers)
        assert r.status_code == status and r.mimetype == "application/problem+json"
    bad = client.get("/parked-notices", query_string={"state": "lost"}, headers=auth(roles=["admin"]))
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"


def test_a_notice_re_applied_stays_parked_until_its_person_is_registered_then_applies_once(
    client, auth, registry, create
):
    id_number = new_id_number()
    notice = park(registry, id_number=id_number)
    admin = auth(roles=["admin"], sub="county.admin")
    still = client.post(
        f"/parked-notices/{notice['agency']}/{notice['notice_id']}/reapply", json={"note": "再试"}, headers=admin
    )
    assert still.status_code == 200, still.get_json()
    assert (still.get_json()["state"], still.get_json()["why"]) == ("parked", "unknown_person")
    pid = create(unit_code=DONGGUAN, id_number=id_number)["id"]
    applied = client.post(f"/parked-notices/{notice['agency']}/{notice['notice_id']}/reapply", json={}, headers=admin)
    assert applied.get_json()["state"] == "applied" and applied.get_json()["handled_by"] == "county.admin"
    roles = client.get(f"/people/{pid}", headers=auth()).get_json()["representative_roles"]
    assert [(r["body"], r["level"]) for r in roles] == [("cppcc", "county")]
    again = client.post(f"/parked-notices/{notice['agency']}/{notice['notice_id']}/reapply", json={}, headers=admin)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    actions = client.get(
        f"/parked-notices/{notice['agency']}/{notice['notice_id']}/actions", headers=auth(roles=["auditor"])
    ).get_json()
    assert [(a["action"], a["outcome"], a["why"], a["actor"]) for a in actions] == [
        ("reapply", "still_parked", "unknown_person", "county.admin"),
        ("reapply", "applied", None, "county.admin"),
    ]


def test_a_notice_for_a_person_outside_the_callers_scope_is_refused_and_nothing_changes(client, auth, registry, create):
    id_number = new_id_number()
    notice = park(registry, id_number=id_number)
    pid = create(unit_code=DONGGUAN, id_number=id_number)["id"]
    other_county = auth(roles=["admin"], unit="370782000000")
    r = client.post(f"/parked-notices/{notice['agency']}/{notice['notice_id']}/reapply", json={}, headers=other_county)
    assert r.status_code == 403 and r.mimetype == "application/problem+json"
    assert state(registry, notice["notice_id"]) == ("parked", "unknown_person")
    assert client.get(f"/people/{pid}", headers=auth()).get_json()["representative_roles"] == []
    assert count(registry, parked_notice_actions) == 0


def test_dismissing_needs_a_reason_and_an_admin_happens_once_and_the_metric_counts_what_is_left(client, auth, registry):
    kept, dropped = park(registry), park(registry, level="village")
    url = f"/parked-notices/{dropped['agency']}/{dropped['notice_id']}/dismiss"
    for body, headers, status in [
        ({}, auth(roles=["admin"]), 422),
        ({"reason": ""}, auth(roles=["admin"]), 422),
        ({"reason": "级别有误，已请政协重发"}, auth(roles=["auditor"]), 403),
        ({"reason": "级别有误，已请政协重发"}, auth(roles=["admin"], unit=SHENGCHENG), 403),
    ]:
        r = client.post(url, json=body, headers=headers)
        assert r.status_code == status and r.mimetype == "application/problem+json", r.get_json()
    assert state(registry, dropped["notice_id"]) == ("parked", "unknown_role")
    assert count(registry, parked_notice_actions) == 0
    done = client.post(url, json={"reason": "级别有误，已请政协重发"}, headers=auth(roles=["admin"]))
    assert done.status_code == 200 and done.get_json()["state"] == "dismissed"
    assert client.post(url, json={"reason": "再次"}, headers=auth(roles=["admin"])).status_code == 409
    missing = client.post("/parked-notices/nope/dismiss", json={"reason": "x"}, headers=auth(roles=["admin"]))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    listed = client.get("/parked-notices", headers=auth(roles=["admin"], unit=COUNTY)).get_json()["items"]
    assert [n["notice_id"] for n in listed] == [kept["notice_id"]]

    token = registry.settings.metrics_token
    metrics = client.get("/metrics", headers={"Authorization": f"Bearer {token}"}).get_data(as_text=True)
    assert 'tongxin_registry_parked_notices{why="unknown_person"} 1.0' in metrics
    assert 'tongxin_registry_parked_notices{why="unknown_role"} 0.0' in metrics


def test_a_notice_parked_before_its_content_was_kept_can_only_be_dismissed(client, auth, registry):
    notice = park(registry)
    with registry.engine.begin() as conn:
        conn.execute(parked_notices.update().values(notice=None))
    r = client.post(
        f"/parked-notices/{notice['agency']}/{notice['notice_id']}/reapply", json={}, headers=auth(roles=["admin"])
    )
    assert r.status_code == 409 and r.mimetype == "application/problem+json"
    assert state(registry, notice["notice_id"]) == ("parked", "unknown_person")
    assert count(registry, parked_notice_actions) == 0
    dismissed = client.post(
        f"/parked-notices/{notice['agency']}/{notice['notice_id']}/dismiss",
        json={"reason": "旧通知"},
        headers=auth(roles=["admin"]),
    )
    assert dismissed.get_json()["state"] == "dismissed" and dismissed.get_json()["level"] is None


def test_two_agencies_notices_with_one_id_are_parked_and_handled_apart(client, auth, registry):
    """Notice ids are unique per agency only: the NPC's notice numbered like the CPPCC's is its own."""
    cppcc = park(registry)
    npc = park(registry, notice_id=cppcc["notice_id"], agency="npc")  # the NPC speaking for the CPPCC: parked
    admin = auth(roles=["admin"])
    listed = client.get("/parked-notices", headers=admin).get_json()["items"]
    mine = sorted((n["agency"], n["why"]) for n in listed if n["notice_id"] == cppcc["notice_id"])
    assert mine == [("cppcc", "unknown_person"), ("npc", "agency_not_body")]
    r = client.post(f"/parked-notices/npc/{npc['notice_id']}/dismiss", json={"reason": "代他人通报"}, headers=admin)
    assert r.status_code == 200 and r.get_json()["agency"] == "npc"
    assert state(registry, cppcc["notice_id"], "npc") == ("dismissed", "agency_not_body")
    assert state(registry, cppcc["notice_id"]) == ("parked", "unknown_person")
    assert client.get(f"/parked-notices/court/{npc['notice_id']}/actions", headers=admin).status_code == 404


def test_of_two_admins_acting_on_one_notice_at_once_the_second_is_refused_and_its_work_undone(
    client, auth, registry, create, monkeypatch
):
    """A re-application that ran while another admin dismissed the notice neither overwrites the
    dismissal nor keeps the role it applied (PostgreSQL's read committed let it do both)."""
    id_number = new_id_number()
    notice = park(registry, id_number=id_number)
    pid = create(unit_code=DONGGUAN, id_number=id_number)["id"]
    apply_notice = handling.membership_notices.apply_notice

    def dismissed_meanwhile(factory, envelope):
        with factory("other.admin") as uow:  # what the other admin's dismissal did meanwhile
            uow.session.execute(
                parked_notices.update()
                .where(parked_notices.c.agency == "cppcc", parked_notices.c.notice_id == notice["notice_id"])
                .values(state="dismissed", handled_by="other.admin")
            )
            uow.commit()
        return apply_notice(factory, envelope)

    monkeypatch.setattr(handling.membership_notices, "apply_notice", dismissed_meanwhile)
    url = f"/parked-notices/cppcc/{notice['notice_id']}/reapply"
    r = client.post(url, json={}, headers=auth(roles=["admin"], sub="county.admin"))
    assert r.status_code == 409 and r.mimetype == "application/problem+json", r.get_json()
    assert client.get(f"/people/{pid}", headers=auth()).get_json()["representative_roles"] == []
    assert state(registry, notice["notice_id"]) == ("parked", "unknown_person")  # all of it rolled back
    assert count(registry, parked_notice_actions) == 0


def test_another_countys_admin_cannot_dismiss_a_notice_about_this_countys_member(client, auth, registry, create):
    id_number = new_id_number()
    notice = park(registry, id_number=id_number)
    create(unit_code=DONGGUAN, id_number=id_number)
    url = f"/parked-notices/cppcc/{notice['notice_id']}/dismiss"
    r = client.post(url, json={"reason": "不认识此人"}, headers=auth(roles=["admin"], unit="370782000000"))
    assert r.status_code == 403 and r.mimetype == "application/problem+json"
    assert state(registry, notice["notice_id"]) == ("parked", "unknown_person")
    assert count(registry, parked_notice_actions) == 0
    mine = client.post(url, json={"reason": "已人工核实"}, headers=auth(roles=["admin"]))
    assert mine.status_code == 200 and mine.get_json()["state"] == "dismissed"


def test_a_notice_whose_id_holds_a_slash_is_handled_like_any_other(client, auth, registry):
    """Agencies number notices as they like (the gateway takes any id of 1-40 characters):
    〔2026〕7/2 must not leave a notice that no URL can name."""
    notice = park(registry, notice_id="鲁政协〔2026〕7/2")
    admin = auth(roles=["admin"])
    url = "/parked-notices/cppcc/鲁政协〔2026〕7/2"
    r = client.post(f"{url}/dismiss", json={"reason": "已由政协重发"}, headers=admin)
    assert r.status_code == 200 and r.get_json()["notice_id"] == notice["notice_id"], r.get_json()
    assert state(registry, notice["notice_id"]) == ("dismissed", "unknown_person")
    actions = client.get(f"{url}/actions", headers=auth(roles=["auditor"])).get_json()
    assert [(a["action"], a["note"]) for a in actions] == [("dismiss", "已由政协重发")]


def test_another_countys_admin_does_not_list_a_notice_about_this_countys_member(client, auth, registry, create):
    id_number = new_id_number()
    about_ours, unknown = park(registry, id_number=id_number), park(registry)
    create(unit_code=DONGGUAN, id_number=id_number)
    for unit, expected in [
        ("370782000000", {unknown["notice_id"]}),
        (COUNTY, {unknown["notice_id"], about_ours["notice_id"]}),
    ]:
        page = client.get("/parked-notices", headers=auth(roles=["auditor"], unit=unit)).get_json()
        assert {n["notice_id"] for n in page["items"]} == expected, unit
