"""Members' resources on both databases: opt-in publishing, the directory by field, town and pinyin
with masked names beyond the member's units, withdrawal with its history, citations from requests;
and every refusal a problem that changes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from servicedesk.adapters.community_tables import offer_citations, offer_history, offers
from servicedesk.adapters.tables import outbox
from services.servicedesk.tests.api.test_requests import events, open_one
from services.servicedesk.tests.conftest import COUNTY, HOME_A, HOME_B, TOWN_A, TOWN_B
from tests.support.people import person_event

NEIGHBOUR = "370783001002"  # another village of town A
OTHER_COUNTY = "370782001000"
OFFER = {
    "person_id": "fin",
    "field": "financing",
    "kind": "expertise",
    "title": "中小企业融资担保咨询",
    "description": "熟悉银行授信与政府性融资担保，可为中小企业提供融资方案。",
    "visibility": "town",
    "consent": True,
}


@pytest.fixture
def town(people):
    people(
        person_event("m1", unit=HOME_A, name="王小明"),
        person_event("fin", unit=HOME_A, name="张金融"),
        person_event("law", unit=HOME_B, name="刘律师"),
    )


def counted(desk):
    with desk.engine.connect() as conn:
        return [conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                for t in (offers, offer_history, offer_citations, outbox)]  # fmt: skip


def problem(r, status):
    body = r.get_json()
    return r.status_code == status and r.content_type == "application/problem+json" and body["detail_en"]


def find(client, auth, staff_unit, **query):
    r = client.get("/resources/offers", query_string=query, headers=auth(("viewer",), staff_unit))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_an_offer_is_found_by_field_and_town_and_masked_beyond_the_members_units(client, auth, town, desk):
    published = client.post("/resources/offers", json=OFFER, headers=auth(unit=TOWN_A))
    assert published.status_code == 201, published.get_json()
    offer = published.get_json()
    assert offer["state"] == "active" and offer["history"][0]["action"] == "published"
    assert events(desk, "offer.published.v1")[0][1]["person_id"] == "fin"
    assert "description" not in events(desk, "offer.published.v1")[0][1]  # the text stays here
    law = {**OFFER, "person_id": "law", "field": "legal", "title": "合同纠纷法律咨询", "visibility": "unit"}
    assert client.post("/resources/offers", json=law, headers=auth(unit=TOWN_B)).status_code == 201
    # "who can help with financing in 圣城街道?": one call
    asked = find(client, auth, COUNTY, field="financing", unit=TOWN_A)
    assert [(o["name"], o["person_id"]) for o in asked["items"]] == [("张金融", "fin")] and asked["total"] == 1
    neighbour = find(client, auth, NEIGHBOUR)["items"]  # shared town-wide: reaches the next village, masked
    assert [(o["name"], o["person_id"], o["serving"]) for o in neighbour] == [("张*融", None, False)]
    assert find(client, auth, TOWN_B, field="financing")["total"] == 0
    assert find(client, auth, OTHER_COUNTY)["total"] == 0
    assert [o["field"] for o in find(client, auth, TOWN_B)["items"]] == ["legal"]
    assert find(client, auth, TOWN_A, q="zjr")["total"] == 1  # the name's initials, for those who serve the member
    assert find(client, auth, NEIGHBOUR, q="zhangjinrong")["total"] == 0  # nobody finds a masked name by pinyin
    assert find(client, auth, NEIGHBOUR, q="rongzi")["total"] == 1  # the field's pinyin
    assert find(client, auth, COUNTY, q="担保")["total"] == 1
    assert client.get(f"/resources/offers/{offer['id']}", headers=auth(unit=TOWN_B)).status_code == 404
    reached = client.get(f"/resources/offers/{offer['id']}", headers=auth(unit=NEIGHBOUR)).get_json()
    assert (reached["name"], reached["history"], reached["citations"]) == ("张*融", [], [])  # who handled it stays


def test_withdrawal_by_the_members_units_only_keeps_the_history(client, auth, town, desk):
    offer = client.post("/resources/offers", json=OFFER, headers=auth(unit=TOWN_A)).get_json()
    before = counted(desk)
    assert problem(client.post(f"/resources/offers/{offer['id']}/withdraw", json={"by": "staff"},
                               headers=auth(unit=NEIGHBOUR)), 403)  # fmt: skip
    assert problem(client.post(f"/resources/offers/{offer['id']}/withdraw", json={"by": "staff"},
                               headers=auth(unit=TOWN_B)), 404)  # fmt: skip
    assert problem(client.post(f"/resources/offers/{offer['id']}/withdraw", json={"by": "nobody"},
                               headers=auth(unit=TOWN_A)), 422)  # fmt: skip
    assert counted(desk) == before
    done = client.post(f"/resources/offers/{offer['id']}/withdraw", json={"by": "member", "note": "本人申请撤回"},
                       headers=auth(unit=TOWN_A))  # fmt: skip
    assert done.status_code == 200 and done.get_json()["state"] == "withdrawn"
    assert [h["action"] for h in done.get_json()["history"]] == ["published", "withdrawn"]
    assert events(desk, "offer.withdrawn.v1")[0][1]["withdrawn_by"] == "member"
    again = client.post(f"/resources/offers/{offer['id']}/withdraw", json={"by": "staff"}, headers=auth(unit=TOWN_A))
    assert problem(again, 409)
    assert find(client, auth, TOWN_A)["total"] == 0
    assert find(client, auth, TOWN_A, state="withdrawn")["total"] == 1


def test_a_request_cites_the_offer_it_drew_on(client, auth, town, desk):
    offer = client.post("/resources/offers", json=OFFER, headers=auth(unit=TOWN_A)).get_json()
    request = open_one(client, auth, category="financing", title="融资咨询")
    path = f"/resources/offers/{offer['id']}/citations"
    cited = client.post(path, json={"subject": "request", "subject_id": request["id"]}, headers=auth(unit=TOWN_A))
    assert cited.status_code == 201, cited.get_json()
    assert [(c["subject"], c["subject_id"]) for c in cited.get_json()["citations"]] == [("request", request["id"])]
    before = counted(desk)
    for body, unit, status in [
        ({"subject": "request", "subject_id": request["id"]}, TOWN_A, 409),  # once
        ({"subject": "request", "subject_id": "no-such-request"}, TOWN_A, 422),
        ({"subject": "activity", "subject_id": request["id"]}, TOWN_A, 422),
        ({"subject": "donation", "subject_id": request["id"]}, TOWN_A, 422),
        ({"subject": "request", "subject_id": request["id"]}, TOWN_B, 404),  # the offer does not reach town B
    ]:
        assert problem(client.post(path, json=body, headers=auth(unit=unit)), status), (body, unit)
    assert problem(client.post(path, json={"subject": "request", "subject_id": request["id"]},
                               headers=auth(("viewer",), TOWN_A)), 403)  # fmt: skip
    assert counted(desk) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent": False}, "consent"),
        ({"person_id": "law"}, "person_id"),  # another town's member
        ({"person_id": "nobody"}, "person_id"),
        ({"field": "astrology"}, "field"),
        ({"visibility": "province"}, "visibility"),
        ({"branch_code": "medical"}, "branch_code"),  # not a volunteer of that branch
        ({"title": "x" * 101}, "title"),
    ],
)
def test_bad_offers_are_refused_and_change_nothing(client, auth, town, desk, change, field):
    before = counted(desk)
    r = client.post("/resources/offers", json={**OFFER, **change}, headers=auth(unit=TOWN_A))
    assert problem(r, 422), r.get_json()
    assert field in str(r.get_json())
    assert counted(desk) == before


@pytest.mark.parametrize(
    "field, text",
    [
        ("description", "可提供融资方案，请直接联系 138 0013 8000。"),
        ("description", "身份证号 11010519491231002X，可核实身份。"),
        ("title", "融资咨询（电话13800138000）"),
    ],
)
def test_an_offer_holding_a_phone_or_an_id_number_is_refused_and_nothing_is_written(
    client, auth, town, desk, field, text
):
    """An offer reaches staff of the whole town or county, who see the name masked: contact goes
    through the staff who serve the member, and an offer holds no phone or ID (the domain's rule).
    A phone or an ID number typed into the title or description was published as it was."""
    before = counted(desk)
    r = client.post("/resources/offers", json={**OFFER, field: text}, headers=auth(unit=TOWN_A))
    assert problem(r, 422), r.get_json()
    assert r.get_json()["field"] == field and r.get_json()["detail"]
    assert counted(desk) == before


def test_a_withdrawn_offer_stays_with_the_staff_who_serve_the_member(client, auth, town, desk):
    """A member who withdraws an offer withdraws the consent to share it: staff reached only by the
    sharing (another village of the town) still listed it with ``state=withdrawn`` and read it by id,
    title, description and name (whole, when the member had agreed to show it) included."""
    offer = client.post("/resources/offers", json={**OFFER, "show_name": True}, headers=auth(unit=TOWN_A)).get_json()
    assert client.get(f"/resources/offers/{offer['id']}", headers=auth(("viewer",), NEIGHBOUR)).status_code == 200
    url = f"/resources/offers/{offer['id']}/withdraw"
    withdrawn = client.post(url, json={"by": "member"}, headers=auth(unit=TOWN_A))
    assert withdrawn.status_code == 200, withdrawn.get_json()
    assert find(client, auth, NEIGHBOUR, state="withdrawn")["total"] == 0
    assert problem(client.get(f"/resources/offers/{offer['id']}", headers=auth(("viewer",), NEIGHBOUR)), 404)
    assert find(client, auth, TOWN_A, state="withdrawn")["items"][0]["name"] == "张金融"
    assert client.get(f"/resources/offers/{offer['id']}", headers=auth(("viewer",), HOME_A)).status_code == 200
