"""Registering a person (``service_layer.people.register``) on the in-memory unit of work: the
rules of the use case, fast and without a database. The API suites prove the same on SQLite and
PostgreSQL."""

import pytest

from chassis.auth import Principal
from chassis.contracts.registry import PERSON_REGISTERED
from chassis.digests import DigestKey
from chassis.errors import Conflict, Forbidden, InvalidInput
from registry.service_layer import people
from services.registry.tests.fakes import FakeUnitOfWork
from services.registry.tests.support import DONGGUAN, SHENGCHENG, WENJIA_VILLAGE, XICHENG, new_id_number

KEY = DigestKey("k1", "a test key that is long enough to be a key")
EDITOR = Principal("editor-1", "编辑", frozenset({"editor"}), SHENGCHENG)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(KEY, {DONGGUAN, XICHENG, WENJIA_VILLAGE})


def body(**overrides):
    return {"name": "张伟", "id_number": new_id_number(), "unit_code": DONGGUAN, **overrides}


def test_a_registration_stores_the_person_its_history_and_one_event(uow):
    person_id = people.register(uow.registry_factory(), EDITOR, body(categories=["non_party_representative"]))

    assert uow.people.get(person_id).unit_code == DONGGUAN
    assert [(e.type, e.subject) for e in uow.events] == [(PERSON_REGISTERED, person_id)]
    assert uow.events[0].data["categories"] == ["non_party_representative"]
    assert "id_number" not in uow.events[0].data  # only its digest leaves the registry
    assert [(h["person_id"], h["action"], h["actor"]) for h in uow.history] == [(person_id, "registered", "editor-1")]


def test_a_duplicate_id_number_in_scope_points_to_the_person_and_changes_nothing(uow):
    first = body()
    existing = people.register(uow.registry_factory(), EDITOR, first)

    with pytest.raises(Conflict) as refused:
        people.register(uow.registry_factory(), EDITOR, body(id_number=first["id_number"], unit_code=XICHENG))

    assert refused.value.extra["person_id"] == existing
    assert len(uow.events) == 1 and len(uow.people.people) == 1


def test_a_duplicate_registered_by_another_unit_is_refused_without_naming_it(uow):
    number = new_id_number()
    elsewhere = Principal("editor-2", "编辑", frozenset({"editor"}), WENJIA_VILLAGE)
    people.register(uow.registry_factory(), elsewhere, body(id_number=number, unit_code=WENJIA_VILLAGE))

    with pytest.raises(Conflict) as refused:
        people.register(uow.registry_factory(), EDITOR, body(id_number=number))

    assert "person_id" not in refused.value.extra
    assert len(uow.events) == 1


@pytest.mark.parametrize("unit", ["370783001099", WENJIA_VILLAGE], ids=["unknown or retired", "outside scope"])
def test_a_unit_that_is_not_in_service_or_not_yours_is_refused(uow, unit):
    with pytest.raises(InvalidInput):
        people.register(uow.registry_factory(), EDITOR, body(unit_code=unit))
    assert uow.events == [] and uow.people.people == {} and uow.commits == 0


def test_only_editors_register(uow):
    viewer = Principal("viewer-1", "查看", frozenset({"viewer"}), SHENGCHENG)
    with pytest.raises(Forbidden):
        people.register(uow.registry_factory(), viewer, body())
    assert uow.events == []
