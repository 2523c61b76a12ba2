"""The sensitive-data rule: what the outbox refuses, how free text is masked, how fields are marked."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from chassis import idnumber, sensitive
from chassis.contracts import contract_for
from chassis.outbox import Outbox, outbox_table
from chassis.sensitive import SensitiveDataRefused, check_event
from tests.support.ledger import UPDATED, snapshot

NUMBER = "11010519491231002X"
URGENT = "cn.tongxin.servicedesk.incident.urgent.v1"


def test_a_clean_snapshot_passes():
    check_event(UPDATED, snapshot("p1", 2))


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"religion": "佛教"}, "sensitive key 'religion'"),
        ({"birth_date": "1949-12-31"}, "sensitive key 'birth_date'"),
        ({"representative_roles": [{"body": "npc", "phone": "13800000000"}]}, "representative_roles[0].phone"),
        ({"categories": ["non_party_representative", "religious_figure"]}, "sensitive value 'religious_figure'"),
        ({"categories": ["ethnic_minority"]}, "sensitive value 'ethnic_minority'"),
        ({"position": f"身份证 {NUMBER}"}, "an ID number in 'position'"),
        ({"position": NUMBER.translate(str.maketrans("0123456789", "０１２３４５６７８９"))}, "an ID number"),
        ({"changed_fields": []}, "changed_fields is empty"),
        ({"changed_fields": ["religion"]}, "changed_fields names sensitive field 'religion'"),
        ({"date_of_birth": "1949-12-31"}, "a birth date in 'date_of_birth'"),
        ({"previous_roles": [{"born_on": "1949-12-31"}]}, "a birth date in 'previous_roles[0].born_on'"),
        ({"id_masked": "110105********002X"}, "sensitive key 'id_masked'"),
        ({"reason": "身份证 110105********002X"}, "a masked ID number in 'reason'"),
        ({"reason": "电话13812345678 已迁往外地"}, "a phone number in 'reason'"),
        ({"reason": f"身份证 {NUMBER[:6]} {NUMBER[6:]}"}, "an ID number in 'reason'"),
        ({"employer": "东关清真寺"}, "sensitive value '东关清真寺' in 'employer'"),
        ({"position": "阿訇"}, "sensitive value '阿訇'"),
        ({"representative_roles": [{"body": "cppcc", "title": "宗教界别委员（伊斯兰教）"}]}, "sensitive value"),
        ({"tags": ["回民"]}, "sensitive value '回民'"),
    ],
)
def test_the_rule_refuses_what_would_reveal_or_rebuild_sensitive_data(change, problem):
    with pytest.raises(SensitiveDataRefused, match=re.escape(problem)):
        check_event(UPDATED, {**snapshot("p1", 2), **change})


def test_an_eighteen_digit_number_without_a_valid_check_character_is_not_taken_for_an_id_number():
    wrong = NUMBER[:-1] + "1"
    assert not sensitive.contains_id_number(f"订单号 {wrong}")
    assert sensitive.contains_id_number(f"订单号 {NUMBER}")


def test_the_outbox_refuses_to_stage_a_breaking_event_and_writes_nothing():
    engine = sa.create_engine("sqlite://")
    table = outbox_table(sa.MetaData())
    table.create(engine)
    with engine.begin() as conn, pytest.raises(SensitiveDataRefused):
        Outbox(table, "/test").add(conn, UPDATED, "p1", {**snapshot("p1", 2), "categories": ["religious_figure"]})
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0


def test_free_text_for_agencies_is_masked_and_capped():
    full_width = NUMBER.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    text = f"当事人{full_width}，电话 138 1234 5678，座机0536-5221234，请协调" + "。" * 300
    out = sensitive.mask_free_text(text, 200)
    assert len(out) == 200 and out.endswith("…")
    assert not sensitive.contains_id_number(out)
    assert "110105************" in out  # the region only: a tail narrows a brute force
    assert "1234 5678" not in out and "5221234" not in out
    assert sensitive.mask_free_text("厂区纠纷，需应急联动", 200) == "厂区纠纷，需应急联动"


def test_uniform_marks_and_roles():
    assert sensitive.visible_plainly("name", lambda *r: False)
    assert not sensitive.visible_plainly("phone", lambda *r: False)
    assert sensitive.visible_plainly("phone", lambda *r: "editor" in r)
    assert not sensitive.visible_plainly("religion", lambda *r: True)  # only through a reveal
    assert sensitive.public_values(["宗教界人士代表", "回族", "企业家", "religious_figure"]) == ["企业家"]


def test_person_contracts_mark_what_can_hold_sensitive_data():
    fields = contract_for(UPDATED).fields
    assert "id_masked" not in fields and fields["id_digest"] is True
    assert fields["employer"] == fields["position"] == "values"
    assert fields["categories"] == "values"
    assert "birth_date" not in fields and fields["birth_year"] is False
    assert contract_for(URGENT).fields["summary"] is False


def test_masked_form_beside_birth_year_leaves_many_candidates():
    # What an event now carries: the masked number and the year. Hundreds of dates fit.
    masked, year = idnumber.mask(NUMBER), 1949
    import datetime as dt

    candidates = [
        masked[:6] + f"{d:%Y%m%d}" + masked[14:]
        for d in (dt.date(year, 1, 1) + dt.timedelta(n) for n in range(365))
        if idnumber.check_character((masked[:6] + f"{d:%Y%m%d}" + masked[14:])[:17]) == masked[-1]
    ]
    assert len(candidates) > 20


@pytest.mark.parametrize(
    "text",
    [
        "身份证 370783 1990 0307 1212",
        "身份证 370783-19900307-1212",
        "身份证 3707831990\u200b03071212",
        "身份证 ٣٧٠٧٨٣١٩٩٠٠٣٠٧١٢١٢",
        "ID370783199003071212",
        "旧证 370783900307121",  # the old 15-digit form
        "证号 37078319900307121",  # 17 digits
        "证号 370783199003071213",  # wrong check digit
    ],
)
def test_id_numbers_however_written_are_masked_for_agencies_and_logs(text):
    out = sensitive.mask_free_text(text, 200)
    digits = "".join(c for c in sensitive.normalise_text(out) if c.isdigit())
    assert len(digits) <= 6 and "19900307" not in sensitive.normalise_text(out).replace(" ", ""), out


@pytest.mark.parametrize(
    "text", ["电话 138.1234.5678", "电话 1381-234-5678", "电话 1 3 8 1 2 3 4 5 6 7 8", "座机 (0531)88888888"]
)
def test_phones_however_written_are_masked_and_refused_in_events(text):
    out = sensitive.mask_free_text(text, 200)
    assert sum(c.isdigit() for c in out) <= 5, out
    with pytest.raises(SensitiveDataRefused, match="a phone number"):
        check_event(UPDATED, {**snapshot("p1", 2), "reason": text})


def test_hex_digests_ip_addresses_and_dates_are_left_alone():
    line = "k1:" + "1" * 20 + "ab" * 10 + " 192.168.100.200, 2026-11-27T10:54:33 req 8f1c0e0a9b7d4c2e8f1c0e0a9b7d4c2e"
    assert sensitive.mask_free_text(line, 500) == line


@pytest.mark.parametrize(
    "value",
    ["回民", "土家族", "信佛", "佛教", "佛 教", "佛教\u200b", "维吾尔族", "哈萨克", "满人", "白族", "阿訇",
     "东关清真寺", "宗教界别委员（伊斯兰教）", "天主教堂", "道观管委会", "喇嘛", "汉族", "ethnic_minority"],
)  # fmt: skip
def test_every_ethnic_group_religion_clergy_and_venue_is_sensitive(value):
    assert sensitive.is_sensitive_value(value)


def test_all_56_ethnic_groups_are_named_and_common_words_are_not_taken_for_them():
    from chassis.sensitive_words import ETHNIC_GROUPS

    assert len(set(ETHNIC_GROUPS)) == 56
    assert all(sensitive.is_sensitive_value(g + "族") and sensitive.is_sensitive_value(g) for g in ETHNIC_GROUPS)
    plain_words = ("骨干", "企业家", "回家", "白菜种植户", "北京大学", "佛山市某公司", "土木工程师", "水利局")
    for plain in plain_words:
        assert not sensitive.is_sensitive_value(plain), plain


def test_previous_digest_keys_are_parsed_and_bad_entries_refused():
    from chassis.digests import parse_keys

    assert [(k.key_id, k.secret) for k in parse_keys("k1=old-secret, k0=older")] == [
        ("k1", "old-secret"),
        ("k0", "older"),
    ]
    assert parse_keys("") == []
    with pytest.raises(ValueError, match="<key id>=<secret>"):
        parse_keys("just-a-secret-without-an-id")


def test_a_processing_record_names_sensitive_fields_but_carries_no_value():
    record = {"person_id": "p1", "processed_fields": ["ethnicity", "id_number", "religion"], "purpose": "核实身份信息"}
    check_event("cn.tongxin.registry.processing.sensitive_processed.v1", record)  # names of fields: allowed
    for leak in (
        {**record, "processed_fields": ["回族"]},  # a value where a name belongs
        {**record, "tags": ["ethnicity"]},  # the exemption is for that key only
        {**record, "purpose": "核对" + idnumber.make("370783", dt.date(1970, 1, 1), 1, "male")},
    ):
        with pytest.raises(SensitiveDataRefused):
            check_event("cn.tongxin.registry.processing.sensitive_processed.v1", leak)
