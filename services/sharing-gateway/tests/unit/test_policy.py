"""Policies: the shipped ones load; anything the gateway could not honour exactly is refused;
and, for arbitrary events and policies, a payload never holds what the policy does not grant."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sharing_gateway.domain import policy as policies
from sharing_gateway.domain import policy_files

from chassis import sensitive
from chassis.catalogue import SharingClass, items_by_key
from chassis.contracts import all_contracts
from chassis.digests import DigestKey
from chassis.sensitive import SENSITIVE_CATEGORIES

POLICIES = Path(__file__).resolve().parents[4] / "deploy" / "policies"
CONTRACTS = [c for c in all_contracts() if c.fields]
KEY = DigestKey("t1", "transform-secret")
HEAD = """agency = "x"
name = "测试机构"
version = 1
purpose = "测试"
legal_basis = "测试"
region = "370783000000"
audience = "everyone"
"""


def share(event: str, fields: list[str], extra: str = "") -> str:
    return HEAD + f'\n[[share]]\nevent = "{event}"\nfields = {fields!r}\n'.replace("'", '"') + extra


def test_the_shipped_policies_load_and_share_no_sensitive_field_without_a_purpose():
    loaded = policy_files.load_dir(POLICIES)
    assert set(loaded) == {"court", "cppcc", "npc", "public_security"}
    for p in loaded.values():
        assert p.purpose and p.legal_basis and p.version >= 1
    incident = loaded["public_security"].share_for("cn.tongxin.servicedesk.incident.urgent.v1")
    assert "person_id" not in incident.fields and "name_masked" in incident.fields
    assert "category" not in incident.fields  # "medical" is health data
    for agency in ("npc", "cppcc"):
        assert all("id_masked" not in share.fields for share in loaded[agency].shares.values())


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (share("cn.tongxin.nope.v1", ["a"]), "unknown event type"),
        (share("cn.tongxin.registry.person.updated.v1", ["name", "religion"]), "unknown field 'religion'"),
        (share("cn.tongxin.registry.person.updated.v1", ["id_masked"]), "unknown field 'id_masked'"),
        (share("cn.tongxin.registry.person.updated.v1", ["id_digest"]), "sensitive field 'id_digest' needs"),
        (
            share("cn.tongxin.registry.person.updated.v1", ["name"], 'transforms = { name = "shout" }\n'),
            "unknown transform",
        ),
        (
            share("cn.tongxin.registry.person.updated.v1", ["name"], 'transforms = { unit_code = "mask" }\n'),
            "not granted",
        ),
        (HEAD.replace('region = "370783000000"', 'region = "37"'), "admin unit"),
        (HEAD.replace('audience = "everyone"', 'audience = "all"'), "audience"),
        (HEAD.replace("version = 1", 'version = "one"'), "'version' is required"),
        (HEAD + 'notice_types = ["gossip"]\n', "unknown notice type"),
        (HEAD + "extra = 1\n", "unknown keys"),
        ("agency = ", "not valid TOML"),
    ],
)
def test_policies_the_gateway_cannot_honour_are_refused(text, says):
    with pytest.raises(policies.PolicyError) as refused:
        policy_files.parse(text, "draft.toml")
    assert says in str(refused.value) and "draft.toml" in str(refused.value)


def test_a_policy_granting_a_field_the_catalogue_does_not_share_is_refused_naming_file_event_and_field(tmp_path):
    event = "cn.tongxin.servicedesk.incident.urgent.v1"
    (tmp_path / "x.toml").write_text(share(event, ["request_id", "category"]), encoding="utf-8")
    with pytest.raises(policies.PolicyError) as refused:
        policy_files.load_dir(tmp_path)
    assert str(refused.value) == (
        f"{tmp_path / 'x.toml'}: share[0] {event}: field 'category' is classed 不予共享 (not_shared) "
        "in the data catalogue and cannot be granted"
    )
    # Listed as dropped, it is only recorded as withheld, never sent: allowed.
    dropped = policy_files.parse(share(event, ["request_id", "category"], 'transforms = { category = "drop" }\n'))
    assert dropped.share_for(event).sent_fields() == ("request_id",)


def test_the_shipped_policies_grant_only_what_the_catalogue_shares():
    by_key = items_by_key()
    for p in policy_files.load_dir(POLICIES).values():
        for s in p.shares.values():
            for f in s.sent_fields():
                assert by_key[(s.event, f)].sharing is not SharingClass.NOT_SHARED, (p.agency, s.event, f)


def test_a_sensitive_field_may_be_dropped_or_granted_with_a_purpose():
    event = "cn.tongxin.registry.person.updated.v1"
    dropped = policy_files.parse(share(event, ["name", "id_digest"], 'transforms = { id_digest = "drop" }\n'))
    assert policies.apply(dropped, event, {"name": "王小明", "id_digest": "k1:ab"}, KEY) == {"name": "王小明"}
    granted = policy_files.parse(share(event, ["id_digest"], 'purposes = { id_digest = "核对身份" }\n'))
    assert policies.apply(granted, event, {"id_digest": "k1:ab"}, KEY) == {"id_digest": "k1:ab"}


def test_transforms():
    event = "cn.tongxin.registry.person.category_joined.v1"
    p = policy_files.parse(
        share(
            event,
            ["name", "effective_date", "person_id"],
            'transforms = { name = "mask", effective_date = "year", person_id = "digest" }\n',
        )
    )
    data = {"name": "欧阳小明", "effective_date": "1970-05-06", "person_id": "p1"}
    out = policies.apply(p, event, data, KEY)
    assert out["name"] == "欧**明" and out["effective_date"] == 1970
    assert len(out["person_id"]) == 64 and out["person_id"].startswith("t1:")  # its own key, with its id
    other = policy_files.parse(
        share(event, ["person_id"], 'transforms = { person_id = "digest" }\n').replace('"x"', '"y"', 1)
    )
    assert policies.apply(other, event, {"person_id": "p1"}, KEY)["person_id"] != out["person_id"]  # no joining


def test_religious_and_ethnic_categories_pass_only_under_a_purpose_bound_grant():
    event = "cn.tongxin.registry.person.updated.v1"
    data = {"categories": ["non_party_representative", "religious_figure", "ethnic_minority"]}
    plain = policy_files.parse(share(event, ["categories"]))  # no purpose needed for the field itself
    assert policies.apply(plain, event, data, KEY) == {"categories": ["non_party_representative"]}
    bound = policy_files.parse(share(event, ["categories"], 'purposes = { categories = "民族宗教工作联络" }\n'))
    assert policies.apply(bound, event, data, KEY) == data
    joined = "cn.tongxin.registry.person.category_joined.v1"
    one = policy_files.parse(share(joined, ["person_id", "category"]))
    assert policies.apply(one, joined, {"person_id": "p1", "category": "religious_figure"}, KEY) == {"person_id": "p1"}


@st.composite
def policy_and_event(draw):
    contract = draw(st.sampled_from(CONTRACTS))
    fields = sorted(contract.fields)
    granted = draw(st.lists(st.sampled_from(fields), min_size=1, unique=True))
    transforms = {
        f: draw(st.sampled_from(["drop", "mask"])) for f in draw(st.lists(st.sampled_from(granted), unique=True))
    }
    purposes = {f: "用途" for f in granted if contract.fields[f] and draw(st.booleans())}
    sensitive_values = st.sampled_from(sorted(SENSITIVE_CATEGORIES))
    text = share(contract.type, granted)
    if transforms:
        text += "transforms = { " + ", ".join(f'{k} = "{v}"' for k, v in transforms.items()) + " }\n"
    if purposes:
        text += "purposes = { " + ", ".join(f'{k} = "{v}"' for k, v in purposes.items()) + " }\n"
    keys = fields + draw(st.lists(st.text(string.ascii_lowercase, min_size=1, max_size=8), max_size=5))
    data = {
        k: draw(st.one_of(st.none(), st.text(max_size=5), st.integers(), sensitive_values, st.lists(sensitive_values)))
        for k in keys
    }
    return contract, text, data


@settings(max_examples=300, deadline=None)
@given(policy_and_event())
def test_a_payload_never_holds_a_field_not_granted_nor_a_sensitive_one_without_purpose(case):
    contract, text, data = case
    try:
        p = policy_files.parse(text)
    except policies.PolicyError as refused:
        # the only ways these generated policies can fail: a sensitive field without a purpose,
        # a field the catalogue does not share
        assert "sensitive field" in str(refused) or "不予共享" in str(refused)
        return
    out = policies.apply(p, contract.type, data, KEY)
    share_ = p.share_for(contract.type)
    assert set(out) <= set(share_.sent_fields())
    for f in out:
        assert not contract.fields.get(f) or share_.purposes.get(f) or contract.fields[f] == "values"
        if contract.fields.get(f) == "values" and not share_.purposes.get(f):
            values = out[f] if isinstance(out[f], list) else [out[f]]
            assert not any(map(sensitive.is_sensitive_value, values))


units = st.builds(
    lambda county, town, village: county + f"{town:03d}" + f"{village:03d}",
    st.sampled_from(["370783", "370781", "370702"]),
    st.integers(0, 30),
    st.integers(0, 40),
)


@settings(max_examples=300, deadline=None)
@given(region=units, unit=units)
def test_region_scope_is_honoured_for_every_admin_unit(region, unit):
    p = policy_files.parse(HEAD.replace('region = "370783000000"', f'region = "{region}"'))
    county, town, village = region[:6], region[6:9], region[9:]
    if village != "000":
        expected = unit == region
    elif town != "000":
        expected = unit.startswith(county + town)
    else:
        expected = unit.startswith(county)
    assert policies.in_region(p, {"unit_code": unit}) == expected
