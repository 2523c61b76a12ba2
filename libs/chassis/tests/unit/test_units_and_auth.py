"""Admin units and the ``Principal`` rules (which tokens become a principal: test_oidc.py)."""

import pytest

from chassis import units
from chassis.auth import Principal
from chassis.errors import Forbidden

COUNTY, TOWN, VILLAGE = "370783000000", "370783001000", "370783001002"


@pytest.mark.parametrize(
    "code, level, prefix, parent",
    [
        ("370000000000", "province", "37", None),
        ("370700000000", "city", "3707", "370000000000"),
        (COUNTY, "county", "370783", "370700000000"),
        (TOWN, "town", "370783001", COUNTY),
        (VILLAGE, "village", VILLAGE, TOWN),
        ("370783100000", "town", "370783100", COUNTY),
    ],
)
def test_levels_prefixes_and_parents(code, level, prefix, parent):
    assert units.level(code) == level
    assert units.scope_prefix(code) == prefix
    assert units.parent(code) == parent


def test_subtree_membership():
    assert units.in_subtree(COUNTY, VILLAGE)
    assert units.in_subtree(TOWN, VILLAGE)
    assert units.in_subtree(VILLAGE, VILLAGE)
    assert not units.in_subtree(VILLAGE, "370783001003")
    assert not units.in_subtree(TOWN, "370783002001")
    assert not units.in_subtree(COUNTY, "370782001001")


@pytest.mark.parametrize("bad", ["37078300000", "3707830000001", "37078300000a", "", None])
def test_malformed_codes_are_rejected(bad):
    with pytest.raises(units.InvalidUnitCode):
        units.check(bad)


def test_a_principal_sees_its_subtree_and_acts_with_its_roles():
    p = Principal("w1", "王芳", frozenset({"editor"}), TOWN)
    assert p.sees(VILLAGE) and p.sees(TOWN) and not p.sees("370783002001") and not p.sees(COUNTY)
    p.require_role("editor", "admin")
    with pytest.raises(Forbidden):
        p.require_role("auditor")


def test_admin_role_implies_staff_roles():
    Principal("a", "a", frozenset({"admin"}), COUNTY).require_role("editor")


def test_a_malformed_unit_code_is_in_nobodys_scope():
    county = Principal("u", "u", frozenset({"admin"}), "370783000000")
    assert not county.sees("0") and not county.sees("") and not county.sees("37078300000x")


def test_admin_does_not_imply_the_separated_duties():
    admin = Principal("a", "a", frozenset({"admin"}), COUNTY)
    assert admin.has_role("editor") and admin.has_role("evaluator")
    assert not admin.has_role("reviewer") and not admin.has_role("gateway_admin")
    with pytest.raises(Forbidden):
        admin.require_role("gateway_admin")
    assert Principal("r", "r", frozenset({"reviewer"}), COUNTY).has_role("reviewer")


def test_require_scope_refuses_units_outside_the_subtree_without_naming_them():
    town = Principal("t", "t", frozenset({"evaluator"}), TOWN)
    town.require_scope(VILLAGE)
    for outside in (COUNTY, "370783002000", "370782001001", "not-a-unit"):
        with pytest.raises(Forbidden) as refused:
            town.require_scope(outside)
        assert outside not in refused.value.detail_en + refused.value.detail_zh + str(refused.value.extra)


@pytest.mark.parametrize("bad", ["370783001001\n", "37078300100１", "٣٧٠٧٨٣٠٠١٠٠١", " 370783001001", "37078300100"])
def test_every_schema_refuses_a_unit_code_that_is_not_exactly_twelve_ascii_digits(bad):
    """One validator for events and API bodies: a trailing newline once reached a round's scope."""
    from marshmallow import Schema, ValidationError, fields

    from chassis.contracts import UNIT_CODE

    class Body(Schema):
        unit_code = fields.String(validate=UNIT_CODE)

    with pytest.raises(ValidationError, match="12-digit admin unit code"):
        Body().load({"unit_code": bad})
    assert Body().load({"unit_code": "370783001001"}) == {"unit_code": "370783001001"}


def test_a_member_is_not_staff_and_admin_does_not_imply_member():
    admin = Principal("a", "a", frozenset({"admin"}), "370783000000")
    assert not admin.has_role("member")
    with pytest.raises(Forbidden):
        admin.require_member()
    without_person = Principal("m", "m", frozenset({"member"}), "370783001001")
    with pytest.raises(Forbidden):
        without_person.require_member()
    member = Principal("m", "m", frozenset({"member"}), "370783001001", person_id="p1")
    assert member.require_member() == "p1" and not member.is_staff and not member.has_role("viewer")
