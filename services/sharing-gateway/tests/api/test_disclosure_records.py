"""A person's disclosure record on SQLite and PostgreSQL: built through the real admission path, it
lists exactly the feed entries about the person (also those that reached the agency without any
id), with the fields, purpose, legal basis and policy version, plus the registry's reveals and
exports; only auditors covering the person read it, every look-up is recorded, the ID number is
never logged, and processing records are kept three years. The report: ``test_disclosure_report``;
whose rows and who sees them: ``test_disclosure_scope``."""

from __future__ import annotations

import datetime as dt
import json
import logging

import sqlalchemy as sa
from sharing_gateway.adapters.tables import disclosure_lookups, ledger, person_disclosures
from sharing_gateway.service_layer import disclosure_lookup, retention

from chassis.contracts.processing import SENSITIVE_PROCESSED
from chassis.events import Envelope
from chassis.paging import encode_cursor

from .feed_helpers import ID_NUMBER, feed, member_event

TOWN_UNIT = "370783001001"
RECORD = "/people/p1/disclosures"


def incident(person_id="p1", request_id="r1"):
    data = {"request_id": request_id, "person_id": person_id, "name_masked": "王*明", "unit_code": TOWN_UNIT,
            "category": "medical", "summary": "劳资纠纷", "reported_at": "2026-11-27T04:00:00+00:00"}  # fmt: skip
    return Envelope.new(type="cn.tongxin.servicedesk.incident.urgent.v1", source="/tongxin/servicedesk",
                        subject=request_id, data=data)  # fmt: skip


def processed(person_id="p1", channel="api", at=None, fields=("ethnicity", "id_number")):
    at = at or dt.datetime.now(dt.UTC)
    data = {"person_id": person_id, "processed_fields": list(fields), "channel": channel, "purpose": "核实身份信息",
            "actor": "editor7", "actor_unit": "370783001000", "at": at.isoformat()}  # fmt: skip
    return Envelope.new(type=SENSITIVE_PROCESSED, source="/tongxin/registry", subject=person_id, data=data)


def lookups(gateway) -> list[dict]:
    with gateway.engine.connect() as conn:
        return [
            dict(r) for r in conn.execute(sa.select(disclosure_lookups).order_by(disclosure_lookups.c.id)).mappings()
        ]


def test_the_record_lists_exactly_the_entries_about_the_person(client, keys, gateway, staff, consume):
    consume(member_event("p1"), member_event("p2"), incident("p1"), incident("p2", "r2"), processed("p1"))
    consume(member_event("p1", version=2, kind="updated"))
    r = client.get(RECORD, headers=staff("auditor"))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["person"] == {"person_id": "p1", "name_masked": "王*明", "unit_code": TOWN_UNIT, "record_ids": ["p1"]}
    items = body["items"]
    disclosed = [i for i in items if i["kind"] == "disclosure"]

    # What the agencies' feeds hold about p1: the CPPCC's entries name p1; public security's incident
    # reached it without any person id, yet it is p1's (the gateway knew whom it was about).
    cppcc = [e for e in feed(client, keys["cppcc"])["entries"] if e["data"].get("person_id") == "p1"]
    (p1_incident,) = [e for e in feed(client, keys["public_security"])["entries"] if e["data"]["request_id"] == "r1"]
    assert "person_id" not in p1_incident["data"]
    held = {(e["agency"], e["sequence"]): e for e in [*cppcc, p1_incident]}
    assert {(i["agency"], i["sequence"]) for i in disclosed} == set(held) and len(disclosed) == 3
    positions = {
        (rec["agency"], rec["sequence"]): rec["position"]
        for rec in client.get("/ledger", headers=staff("auditor")).get_json()
    }
    for item in disclosed:
        entry = held[(item["agency"], item["sequence"])]
        policy = gateway.policies[item["agency"]]
        assert item["fields"] == sorted(entry["data"]) and item["event_type"] == entry["type"]
        assert item["policy_version"] == entry["policyversion"] == policy.version_label
        assert (item["purpose"], item["legal_basis"]) == (policy.purpose, policy.legal_basis)
        assert item["ledger_position"] == positions[(item["agency"], item["sequence"])]
    (reveal,) = [i for i in items if i["kind"] == "reveal"]
    assert (reveal["fields"], reveal["actor"], reveal["purpose"]) == (
        ["ethnicity", "id_number"],
        "editor7",
        "核实身份信息",
    )
    assert [i["at"] for i in items] == sorted((i["at"] for i in items), reverse=True)  # newest first
    assert [(x["person_id"], x["looked_up_by"], x["what"]) for x in lookups(gateway)] == [("p1", "auditor1", "record")]


def test_pages_and_filters(client, gateway, staff, consume):
    consume(member_event("p1"), incident("p1"), processed("p1"), member_event("p1", version=2))
    everything = client.get(RECORD, headers=staff("auditor")).get_json()["items"]
    assert len(everything) == 4
    walked, cursor = [], None
    while True:
        page = client.get(RECORD, query_string={"limit": 1, **({"cursor": cursor} if cursor else {})},
                          headers=staff("auditor")).get_json()  # fmt: skip
        walked += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert walked == everything
    only = client.get(RECORD, query_string={"agency": "public_security"}, headers=staff("auditor")).get_json()
    assert [i["agency"] for i in only["items"]] == ["public_security"]
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    assert client.get(RECORD, query_string={"since": future}, headers=staff("auditor")).get_json()["items"] == []
    assert len(client.get(RECORD, query_string={"until": future}, headers=staff("auditor")).get_json()["items"]) == 4
    bad = client.get(RECORD, query_string={"cursor": "nonsense"}, headers=staff("auditor"))
    assert bad.status_code == 422 and bad.content_type == "application/problem+json"
    forged = encode_cursor("not a time", "x")  # well-formed, but not a position
    assert client.get(RECORD, query_string={"cursor": forged}, headers=staff("auditor")).status_code == 422
    assert client.get(RECORD, query_string={"since": "yesterday"}, headers=staff("auditor")).status_code == 422
    naive = client.get(RECORD, query_string={"since": "2000-01-01T00:00:00"}, headers=staff("auditor"))
    assert len(naive.get_json()["items"]) == 4  # without an offset: UTC


def test_only_auditors_covering_the_person_read_it_and_others_learn_nothing(client, gateway, staff, consume):
    consume(member_event("p1"), processed("p1"))
    unknown = client.get("/people/nobody/disclosures", headers=staff("auditor"))
    assert unknown.status_code == 404

    def problem(r):
        return {k: v for k, v in r.get_json().items() if k != "request_id"}

    for unit in ("370881000000", "370783002000"):  # another county; another town of the county
        r = client.get(RECORD, headers=staff("auditor", unit=unit))
        assert (r.status_code, problem(r)) == (404, problem(unknown))
        assert client.get(f"{RECORD}/report", headers=staff("auditor", unit=unit)).status_code == 404
    for role in ("viewer", "editor", "gateway_admin", "evaluator", "reviewer"):
        r = client.get(RECORD, headers=staff(role))
        assert r.status_code == 403 and r.content_type == "application/problem+json"
        assert client.get("/people/nobody/disclosures", headers=staff(role)).status_code == 403  # not even 404
    assert client.get(RECORD, headers=staff("auditor", unit="370783001000")).status_code == 200  # the town's
    recorded = [(x["unit"], x["what"]) for x in lookups(gateway)]
    assert recorded[-1] == ("370783001000", "record")  # refusals recorded too (test_disclosure_scope)
    assert len(recorded) == 1 + 4 + 10 + 1 and all(w.endswith(("_refused", "_no_match")) for _, w in recorded[:-1])


def test_a_person_is_found_by_id_number_which_no_log_line_holds(client, gateway, staff, consume, caplog):
    consume(member_event("p1"))
    caplog.set_level(logging.DEBUG)
    path = "/people/disclosures/by-id-number"
    r = client.post(path, json={"id_number": ID_NUMBER}, headers=staff("auditor"))
    assert (r.status_code, r.get_json()) == (200, {"person_id": "p1", "record_ids": ["p1"]})
    elsewhere = client.post(path, json={"id_number": ID_NUMBER}, headers=staff("auditor", unit="370881000000"))
    assert elsewhere.status_code == 404
    bad = client.post(path, json={"id_number": ID_NUMBER[:17] + "0" if ID_NUMBER[17] != "0" else "1"},
                      headers=staff("auditor"))  # fmt: skip
    assert bad.status_code == 422 and ID_NUMBER[:17] not in bad.get_data(as_text=True)
    assert client.post(path, json={"id_number": ID_NUMBER}, headers=staff("viewer")).status_code == 403
    logged = "\n".join(rec.getMessage() + json.dumps(rec.__dict__, default=str) for rec in caplog.records)
    assert caplog.records and ID_NUMBER not in logged and ID_NUMBER[:17] not in logged
    what = [(x["person_id"], x["what"]) for x in lookups(gateway)]
    assert what[0] == ("p1", "id_number") and [w for _, w in what[1:]] == [
        "id_number_no_match", "id_number_invalid", "id_number_refused"
    ]  # fmt: skip
    with gateway.engine.connect() as conn:  # stored nowhere
        for table in (disclosure_lookups, person_disclosures, ledger):
            assert ID_NUMBER not in json.dumps([dict(r) for r in conn.execute(sa.select(table)).mappings()],
                                               default=str)  # fmt: skip


def test_processing_records_are_kept_three_years_and_the_ledger_for_good(client, gateway, staff, consume):
    now = dt.datetime(2029, 11, 27, 12, 0, tzinfo=dt.UTC)
    three_years = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
    young, old = three_years + dt.timedelta(days=1), three_years - dt.timedelta(days=1)
    consume(member_event("p1"), processed("p1", at=young), processed("p1", channel="export", at=old))
    with gateway.engine.begin() as conn:
        conn.execute(sa.insert(disclosure_lookups), [
            dict(person_id="p1", looked_up_by="a1", unit="370783000000", what="record", at=young),
            dict(person_id="p1", looked_up_by="a2", unit="370783000000", what="record", at=old),
        ])  # fmt: skip
        # the delivery's index row as if recorded long ago: disclosures are kept with the ledger
        conn.execute(person_disclosures.update().where(person_disclosures.c.kind == "disclosure").values(at=old))
    assert retention.purge(gateway.uow, now) == {"processing_records": 1, "lookups": 1}
    with gateway.engine.connect() as conn:
        kept = conn.execute(sa.select(person_disclosures.c.kind).order_by(person_disclosures.c.kind)).scalars().all()
        who = conn.execute(sa.select(disclosure_lookups.c.looked_up_by)).scalars().all()
    assert kept == ["disclosure", "reveal"] and who == ["a1"]
    assert retention.purge(gateway.uow, now) == {}
    assert client.get("/ledger/verify", headers=staff("auditor")).get_json()["ok"]


def test_deliveries_recorded_before_the_index_are_indexed_by_migrate(client, gateway, staff, consume):
    consume(member_event("p1"), incident("p1"))
    with gateway.engine.begin() as conn:
        before = [dict(r) for r in conn.execute(sa.select(person_disclosures)).mappings()]
        conn.execute(person_disclosures.delete())
    gateway.migrate()
    gateway.migrate()  # twice: nothing indexed twice
    with gateway.engine.connect() as conn:
        after = [dict(r) for r in conn.execute(sa.select(person_disclosures)).mappings()]
    # The CPPCC's entry names p1 and is indexed again; the incident reached public security without an id.
    (cppcc,) = [r for r in before if r["agency"] == "cppcc"]
    assert [(r["person_id"], r["agency"], r["ledger_position"], r["fields"]) for r in after] == [
        ("p1", "cppcc", cppcc["ledger_position"], cppcc["fields"])
    ]
    assert after[0]["purpose"] == cppcc["purpose"] and after[0]["policy_version"] == cppcc["policy_version"]


def test_a_report_never_leaves_rows_out_silently(client, gateway, staff, consume, monkeypatch):
    consume(member_event("p1"), processed("p1"))
    monkeypatch.setattr(disclosure_lookup, "REPORT_MAX", 1)
    r = client.get(f"{RECORD}/report", headers=staff("auditor"))
    assert r.status_code == 422 and r.get_json()["field"] == "since"
    assert lookups(gateway) == []  # refused: nothing read, nothing recorded
