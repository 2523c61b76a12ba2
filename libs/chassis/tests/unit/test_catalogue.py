"""The data catalogue, built from the contracts: every field has a class, nothing drifts, and the
sensitive fields are never shared unconditionally. The drift checks are proved with a throwaway
contract, so a new field in a real contract fails this suite the same way."""

from __future__ import annotations

import dataclasses

import pytest
from marshmallow import Schema, fields

from chassis.catalogue import (
    DECLARATIONS,
    CatalogueError,
    Sensitivity,
    SharingClass,
    build,
    catalogue,
    current_pairs,
    items_by_key,
    reviewed_pairs,
)
from chassis.catalogue import evaluation as evaluation_catalogue
from chassis.catalogue import registry as registry_catalogue
from chassis.catalogue.bases import conditional, unconditional
from chassis.contracts import EventContract, all_contracts
from chassis.contracts import registry as registry_events
from chassis.topics import EVALUATION, REGISTRY_PERSON


def test_every_field_of_every_contract_is_an_item():
    expected = {(c.type, f) for c in all_contracts() for f in c.fields}
    assert {i.key for i in catalogue()} == expected
    assert len(catalogue()) == len(expected)


def test_an_item_carries_class_sensitivity_basis_owner_and_names():
    digest = items_by_key()[(registry_events.PERSON_REGISTERED, "id_digest")]
    assert digest.sharing is SharingClass.CONDITIONAL and digest.sharing.label == "有条件共享"
    assert digest.sensitivity is Sensitivity.SENSITIVE
    assert "第二十八条" in digest.legal_basis
    assert digest.owner.service == "registry" and digest.topic == REGISTRY_PERSON
    assert digest.name_zh == "身份证号码摘要" and digest.description_zh == "人员登记：身份证号码摘要"
    assert "keyed HMAC" in digest.description_en
    categories = items_by_key()[(registry_events.PERSON_UPDATED, "categories")]
    assert categories.sensitivity is Sensitivity.MAY_HOLD_SENSITIVE_VALUES
    assert items_by_key()[(registry_events.PERSON_UPDATED, "unit_code")].sensitivity is Sensitivity.ORDINARY


def test_sensitive_fields_are_never_unconditional():
    for item in catalogue():
        if item.sensitivity is not Sensitivity.ORDINARY:
            assert item.sharing is not SharingClass.UNCONDITIONAL, item.key


def test_classes_follow_the_kind_of_data():
    by_key = items_by_key()
    # A health-bearing category, free text and what agencies reported are not shared.
    assert by_key[("cn.tongxin.servicedesk.request.opened.v1", "category")].sharing is SharingClass.NOT_SHARED
    assert by_key[(registry_events.PERSON_ARCHIVED, "reason")].sharing is SharingClass.NOT_SHARED
    assert by_key[("cn.tongxin.gateway.notice.violation.v1", "id_digest")].sharing is SharingClass.NOT_SHARED
    # Personal data is conditional; units and rounds are work data.
    assert by_key[(registry_events.PERSON_REGISTERED, "name")].sharing is SharingClass.CONDITIONAL
    assert by_key[("cn.tongxin.evaluation.round.opened.v1", "scope_unit")].sharing is SharingClass.UNCONDITIONAL


# --- drift ------------------------------------------------------------------------------------


class _Throwaway(Schema):
    person_id = fields.String(required=True)
    shoe_size = fields.Integer(required=True)  # a field nobody classed


THROWAWAY = EventContract(registry_events.PREFIX + "throwaway.v1", REGISTRY_PERSON, _Throwaway, "A test event.")


def _with_throwaway_name(declaration=registry_catalogue.DECLARATION):
    return dataclasses.replace(declaration, event_names_zh={**declaration.event_names_zh, THROWAWAY.type: "测试事件"})


def _others():
    return [d for d in DECLARATIONS if d.topic != REGISTRY_PERSON]


def test_a_contract_field_without_a_class_fails():
    with pytest.raises(CatalogueError) as caught:
        build([*all_contracts(), THROWAWAY], [_with_throwaway_name(), *_others()])
    assert caught.value.problems == [f"{THROWAWAY.type} field 'shoe_size' has no sharing class"]


def test_classing_the_new_field_makes_it_an_item():
    declaration = _with_throwaway_name()
    declaration = dataclasses.replace(
        declaration, fields={**declaration.fields, "shoe_size": conditional("鞋码", "shoe size")}
    )
    items = build([*all_contracts(), THROWAWAY], [declaration, *_others()])
    assert (THROWAWAY.type, "shoe_size") in {i.key for i in items}


def test_a_catalogued_field_no_contract_carries_fails():
    declaration = registry_catalogue.DECLARATION
    stale = dataclasses.replace(declaration, fields={**declaration.fields, "hobby": unconditional("爱好", "hobby")})
    with pytest.raises(CatalogueError) as caught:
        build(all_contracts(), [stale, *_others()])
    assert caught.value.problems == [
        f"catalogue of {REGISTRY_PERSON} names field 'hobby', which no contract of the topic carries"
    ]


def test_a_sensitive_field_classed_unconditional_fails():
    declaration = registry_catalogue.DECLARATION
    loose = dataclasses.replace(
        declaration, fields={**declaration.fields, "id_digest": unconditional("身份证号码摘要", "ID digest")}
    )
    with pytest.raises(CatalogueError) as caught:
        build(all_contracts(), [loose, *_others()])
    assert len(caught.value.problems) == 9  # id_digest in each of the nine person event types
    assert all("id_digest" in p and "unconditionally" in p for p in caught.value.problems)


def test_a_topic_without_a_declaration_and_an_event_without_a_chinese_name_fail():
    with pytest.raises(CatalogueError) as caught:
        build(all_contracts(), _others())
    assert len(caught.value.problems) == 9  # the registry's nine event types
    assert all("has no catalogue declaration" in p for p in caught.value.problems)
    with pytest.raises(CatalogueError) as caught:
        build([*all_contracts(), THROWAWAY], DECLARATIONS)
    assert f"{THROWAWAY.type} has no Chinese name in the catalogue" in caught.value.problems


class _Nominated(Schema):
    person_id = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "the nominee's full name"})


NOMINATED = EventContract(
    "cn.tongxin.evaluation.person.nominated.v1", EVALUATION, _Nominated, "A person was nominated."
)


def test_a_new_event_reusing_a_field_name_needs_its_pairs_reviewed():
    """evaluation.v1 classes ``name`` as the round's name (unconditional); a new event carrying a
    nominee's full name under the same key must not inherit that class unseen."""
    declaration = dataclasses.replace(
        evaluation_catalogue.DECLARATION,
        event_names_zh={**evaluation_catalogue.DECLARATION.event_names_zh, NOMINATED.type: "人员提名"},
    )
    others = [d for d in DECLARATIONS if d.topic != EVALUATION]
    with pytest.raises(CatalogueError) as refused:
        build([*all_contracts(), NOMINATED], [declaration, *others], reviewed_pairs())
    assert any("nominated.v1 field 'name'" in p and "reviewed" in p for p in refused.value.problems)
    reviewed = {**reviewed_pairs(), NOMINATED.type: ["name", "person_id"]}  # someone looked, and agreed
    items = build([*all_contracts(), NOMINATED], [declaration, *others], reviewed)
    assert (NOMINATED.type, "name") in {i.key for i in items}


def test_a_reviewed_pair_no_contract_carries_fails():
    stale = {**reviewed_pairs(), "cn.tongxin.registry.person.gone.v1": ["name"]}
    with pytest.raises(CatalogueError, match="no contract carries"):
        build(all_contracts(), DECLARATIONS, stale)


def test_the_shipped_list_of_reviewed_pairs_is_the_contracts_own():
    assert reviewed_pairs() == current_pairs()
