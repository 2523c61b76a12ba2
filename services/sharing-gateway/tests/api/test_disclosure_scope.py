"""Whose rows a person's disclosure record holds and who learns of them, on SQLite and PostgreSQL:
every record of the person (an archived one, a merged one, with the same ID number), only agencies
whose region lies in the auditor's subtree (the rest counted, never silently left out), failed
look-ups recorded without the ID number, and look-ups by ID number rate-limited per member of staff."""

from __future__ import annotations

import datetime as dt
import io
import json

import sqlalchemy as sa
from openpyxl import load_workbook
from sharing_gateway.adapters.tables import disclosure_lookups
from sharing_gateway.domain.disclosure_record import persons_of
from sharing_gateway.entrypoints.api.disclosure_records import ID_NUMBER_LOOKUPS_PER_MINUTE
from sharing_gateway.service_layer.disclosure_report import WITHHELD

from chassis import idnumber

from .feed_helpers import ID_NUMBER, member_event
from .test_disclosure_records import incident, processed

BY_ID = "/people/disclosures/by-id-number"
REPORT = "/people/p1/disclosures/report"
TOWN = "370783001000"


def lookups(gateway) -> list[tuple[str, str]]:
    with gateway.engine.connect() as conn:
        query = sa.select(disclosure_lookups.c.person_id, disclosure_lookups.c.what).order_by(disclosure_lookups.c.id)
        return [tuple(r) for r in conn.execute(query)]


def report_intro(data: bytes) -> dict:
    return {r[0]: r[1] for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True) if r and r[0]}


def test_a_person_with_an_archived_earlier_record_is_found_by_id_number(client, staff, consume):
    """The registry lets an archived (or merged) record repeat an ID number; the person who came
    back under a new record is found, and their record covers both."""
    consume(member_event("p0", status="archived"), processed("p0"), member_event("p1"), processed("p1"))
    r = client.post(BY_ID, json={"id_number": ID_NUMBER}, headers=staff("auditor"))
    assert (r.status_code, r.get_json()) == (200, {"person_id": "p1", "record_ids": ["p0", "p1"]})
    for asked in ("p0", "p1"):
        body = client.get(f"/people/{asked}/disclosures", headers=staff("auditor")).get_json()
        assert body["person"]["record_ids"] == ["p0", "p1"]
        assert sorted(i["person_id"] for i in body["items"] if i["kind"] == "reveal") == ["p0", "p1"]
    # a record elsewhere with the same number is not this auditor's to see, nor is another person
    other = idnumber.make("370783", dt.date(1968, 4, 2), 13, "male")
    assert client.post(BY_ID, json={"id_number": other}, headers=staff("auditor")).status_code == 404


def test_a_merge_event_is_about_the_merged_record_too():
    assert persons_of({"person_id": "p1", "merged_person_id": "p0"}) == ["p0", "p1"]


def test_a_town_auditor_learns_nothing_of_the_countys_agencies(client, staff, consume):
    """service_layer/agencies.py: a town sees nothing of the county's agencies, not even that they
    exist. Its auditor sees the department's own processing and how many rows it may not answer for."""
    consume(member_event("p1"), incident("p1"), processed("p1"))
    county = client.get("/people/p1/disclosures", headers=staff("auditor")).get_json()
    shared = [i for i in county["items"] if i["agency"]]
    assert len(shared) == 2 and county["withheld"] == 0
    town = staff("auditor", unit=TOWN)
    body = client.get("/people/p1/disclosures", headers=town).get_json()
    assert [i["kind"] for i in body["items"]] == ["reveal"] and body["withheld"] == len(shared)
    asked = client.get("/people/p1/disclosures", query_string={"agency": "cppcc"}, headers=town).get_json()
    unknown = client.get("/people/p1/disclosures", query_string={"agency": "nosuch"}, headers=town).get_json()
    assert asked == unknown and asked["items"] == [] and asked["withheld"] == 0
    for code in ("cppcc", "nosuch"):
        intro = report_intro(client.get(REPORT, query_string={"agency": code}, headers=town).data)
        assert intro["接收机构"] == code and "未列记录" not in intro  # the code asked for: no name, nothing counted
        assert "政协" not in json.dumps(intro, ensure_ascii=False, default=str)
    intro = report_intro(client.get(REPORT, headers=town).data)
    assert intro["未列记录"] == WITHHELD.format(n=len(shared)) and "须由上级审计员出具" in intro["未列记录"]


def test_failed_look_ups_are_recorded_without_the_id_number(client, gateway, staff, consume):
    consume(member_event("p1"))
    assert client.post(BY_ID, json={"id_number": ID_NUMBER}, headers=staff("viewer")).status_code == 403
    elsewhere = staff("auditor", unit="370881000000")
    assert client.post(BY_ID, json={"id_number": ID_NUMBER}, headers=elsewhere).status_code == 404
    assert client.post(BY_ID, json={"id_number": ID_NUMBER[:17] + "Y"}, headers=staff("auditor")).status_code == 422
    assert client.get("/people/p1/disclosures", headers=elsewhere).status_code == 404
    assert client.get("/people/p1/disclosures/report", headers=staff("editor")).status_code == 403
    key = f"key:{gateway.settings.id_digest_keys()[0].key_id}"
    assert lookups(gateway) == [
        (key, "id_number_refused"),
        (key, "id_number_no_match"),
        (key, "id_number_invalid"),
        ("p1", "record_no_match"),
        ("p1", "report_refused"),
    ]
    with gateway.engine.connect() as conn:
        assert ID_NUMBER[:17] not in str(conn.execute(sa.select(disclosure_lookups)).all())


def test_look_ups_by_id_number_are_rate_limited_per_member_of_staff(client, staff, consume):
    consume(member_event("p1"))
    for _ in range(ID_NUMBER_LOOKUPS_PER_MINUTE):
        assert client.post(BY_ID, json={"id_number": ID_NUMBER}, headers=staff("auditor")).status_code == 200
    r = client.post(BY_ID, json={"id_number": ID_NUMBER}, headers=staff("auditor"))
    assert r.status_code == 429 and r.content_type == "application/problem+json"
    other = staff("auditor", sub="auditor2")
    assert client.post(BY_ID, json={"id_number": ID_NUMBER}, headers=other).status_code == 200
