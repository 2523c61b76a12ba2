"""The sensitive-data rule: what the outbox refuses, how free text is masked, how fields are marked."""

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
        ({"date_of_birth": "1949-12-31"}, "a birth date beside the masked ID number"),
    ],
)
def test_the_rule_refuses_what_would_reveal_or_rebuild_sensitive_data(change, problem):
    with pytest.raises(SensitiveDataRefused, match=problem.replace("[", r"\[").replace("]", r"\]")):
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
    assert "110105********002X" in out
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
    assert fields["id_masked"] is True and fields["id_digest"] is True
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
