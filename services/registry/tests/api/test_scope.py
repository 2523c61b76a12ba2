"""Scope: a worker sees, counts, exports and can guess nothing outside their admin-unit subtree."""

from __future__ import annotations

import pytest

from services.registry.tests.support import COUNTY, DONGGUAN, SHENGCHENG, WENJIA_VILLAGE, XICHENG

PEOPLE = {"dongguan": DONGGUAN, "xicheng": XICHENG, "wenjia": WENJIA_VILLAGE}


@pytest.fixture
def population(create):
    return {key: create(unit_code=unit, name=f"人员{key}")["id"] for key, unit in PEOPLE.items()}


@pytest.mark.parametrize(
    "unit, visible",
    [(COUNTY, {"dongguan", "xicheng", "wenjia"}), (SHENGCHENG, {"dongguan", "xicheng"}), (DONGGUAN, {"dongguan"})],
)
def test_each_level_sees_exactly_its_subtree(client, auth, population, unit, visible):
    headers = auth(roles=("viewer",), unit=unit)
    listed = {x["id"] for x in client.get("/people?limit=500&with_total=true", headers=headers).get_json()["items"]}
    assert listed == {population[k] for k in visible}
    total = client.get("/people?with_total=true", headers=headers).get_json()["total"]
    assert total == len(visible)
    for key, person_id in population.items():
        for path in ("", "/history", "/contacts"):
            r = client.get(f"/people/{person_id}{path}", headers=headers)
            assert r.status_code == (200 if key in visible else 404), (unit, key, path)
    stats = client.get("/statistics/categories", headers=headers).get_json()
    assert stats["active_people"] == len(visible)


def test_out_of_scope_is_indistinguishable_from_nonexistent(client, auth, population):
    headers = auth(unit=DONGGUAN)
    elsewhere = client.get(f"/people/{population['wenjia']}", headers=headers)
    missing = client.get("/people/00000000-0000-0000-0000-000000000000", headers=headers)
    assert elsewhere.status_code == missing.status_code == 404
    strip = lambda body: {k: v for k, v in body.items() if k != "request_id"}  # noqa: E731
    assert strip(elsewhere.get_json()) == strip(missing.get_json())


def test_writes_outside_scope_are_refused_and_change_nothing(client, auth, population):
    headers = auth(unit=DONGGUAN, **{"If-Match": '"v1"'})
    target = population["xicheng"]
    assert client.patch(f"/people/{target}", json={"phone": "13000000000"}, headers=headers).status_code == 404
    assert client.post(f"/people/{target}/archive", json={}, headers=headers).status_code == 404
    r = client.post(
        "/people",
        json={"name": "越权", "id_number": "11010519491231002X", "unit_code": XICHENG},
        headers=auth(unit=DONGGUAN),
    )
    assert r.status_code == 422 and r.get_json()["field"] == "unit_code"
    own = population["dongguan"]
    r = client.post(f"/people/{own}/move", json={"unit_code": XICHENG}, headers=headers)
    assert r.status_code == 422
    assert client.get(f"/people/{target}", headers=auth()).get_json()["version"] == 1


def test_moving_a_person_moves_who_can_see_them(client, auth, population):
    person = population["dongguan"]
    town = auth(unit=SHENGCHENG, **{"If-Match": '"v1"'})
    assert client.post(f"/people/{person}/move", json={"unit_code": XICHENG}, headers=town).status_code == 200
    assert client.get(f"/people/{person}", headers=auth(unit=DONGGUAN)).status_code == 404
    assert client.get(f"/people/{person}", headers=auth(unit=XICHENG)).status_code == 200


def test_roles(client, auth, population):
    person = population["dongguan"]
    viewer = auth(roles=("viewer",), **{"If-Match": '"v1"'})
    assert client.get(f"/people/{person}", headers=viewer).status_code == 200
    assert client.patch(f"/people/{person}", json={"phone": "13000000000"}, headers=viewer).status_code == 403
    assert client.post("/units", json={"code": "370783001009", "name": "新社区"}, headers=auth()).status_code == 403
    evaluator = auth(roles=("evaluator",))
    assert client.get("/people", headers=evaluator).status_code == 403


def test_units_are_added_renamed_and_retired_with_history(client, auth, population):
    admin = auth(roles=("admin",), unit=SHENGCHENG)
    r = client.post("/units", json={"code": "370783001009", "name": "新城社区"}, headers=admin)
    assert r.status_code == 201 and r.get_json()["parent_code"] == SHENGCHENG
    assert client.post("/units", json={"code": "370783002009", "name": "别处"}, headers=admin).status_code == 422
    assert (
        client.patch("/units/370783001009", json={"name": "新城东社区"}, headers=admin).get_json()["name"]
        == "新城东社区"
    )
    assert client.post(f"/units/{DONGGUAN}/retire", headers=admin).status_code == 409  # people live there
    assert client.post("/units/370783001009/retire", headers=admin).status_code == 200
    history = client.get("/units/370783001009/history", headers=admin).get_json()
    assert [(h["action"], h["old_name"], h["new_name"]) for h in history] == [
        ("added", None, "新城社区"),
        ("renamed", "新城社区", "新城东社区"),
        ("retired", "新城东社区", None),
    ]
    codes = [u["code"] for u in client.get("/units", headers=admin).get_json()]
    assert "370783001009" not in codes and DONGGUAN in codes and WENJIA_VILLAGE not in codes
    r = client.post(
        "/people", json={"name": "甲", "id_number": "11010519491231002X", "unit_code": "370783001009"}, headers=auth()
    )
    assert r.status_code == 422


def test_a_duplicate_id_number_elsewhere_is_refused_without_a_pointer(client, auth, population):
    county = auth()
    body = client.get(f"/people/{population['wenjia']}?reveal=id_number&purpose=查重核对", headers=county).get_json()
    r = client.post(
        "/people",
        json={"name": "重复", "id_number": body["id_number"], "unit_code": DONGGUAN},
        headers=auth(unit=DONGGUAN),
    )
    assert r.status_code == 409
    assert "existing" not in r.get_json() and population["wenjia"] not in r.get_data(as_text=True)
    r = client.post(
        "/people", json={"name": "重复", "id_number": body["id_number"], "unit_code": DONGGUAN}, headers=county
    )
    assert r.status_code == 409 and r.get_json()["existing"] == f"/people/{population['wenjia']}"
