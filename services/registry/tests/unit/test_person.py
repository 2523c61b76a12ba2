import datetime as dt

import pytest

from chassis import idnumber
from chassis.contracts.registry import CATEGORY_JOINED, PERSON_REGISTERED, PERSON_UPDATED
from chassis.digests import DigestKey
from chassis.errors import Conflict, InvalidInput
from chassis.sensitive import check_event
from registry.domain.person import Person

ID = idnumber.make("370783", dt.date(1970, 1, 1), 5, "male")


def person(**kw):
    fields = dict(name="艾克拜尔·米吉提", id_number=ID, unit_code="370783001001")
    fields.update(kw)
    return Person.register("p1", categories=["non_party_representative"], today=dt.date(2026, 1, 1), **fields)


def test_registration_derives_birth_and_gender_and_records_the_event():
    p = person()
    assert (p.birth_date, p.gender, p.version) == (dt.date(1970, 1, 1), "male", 1)
    assert [r.event for r in p.recorded] == [PERSON_REGISTERED]
    assert p.current_categories(dt.date(2026, 1, 2)) == ["non_party_representative"]


def test_update_records_changes_and_bumps_version():
    p = person()
    changes = p.update({"employer": "寿光农发集团", "name": "艾克拜尔·米吉提"})
    assert [c.field for c in changes] == ["employer"]
    assert p.version == 2 and p.recorded[-1].extra == {"changed_fields": ["employer"]}
    assert p.update({"employer": "寿光农发集团"}) == [] and p.version == 2


def test_sensitive_changes_are_masked_in_history():
    p = person(religion="佛教")
    new_id = idnumber.make("370783", dt.date(1970, 1, 1), 6, "male")
    changes = {c.field: c.masked() for c in p.update({"religion": "无", "id_number": new_id})}
    assert changes["religion"] == {"field": "religion", "from": "***", "to": "***"}
    assert changes["id_number"]["to"] == idnumber.mask(new_id)
    p.update({"phone": "13800000000"})
    assert p.recorded[-1].changes[0].masked() == {"field": "phone", "from": "***", "to": "***"}
    later = idnumber.make("370783", dt.date(1971, 2, 3), 6, "male")
    changes = {c.field: c.masked() for c in p.update({"id_number": later, "birth_date": dt.date(1971, 2, 3)})}
    assert changes["birth_date"] == {"field": "birth_year", "from": 1970, "to": 1971}


def test_changing_birth_date_alone_must_still_match_the_id_number():
    with pytest.raises(InvalidInput, match="differs"):
        person().update({"birth_date": dt.date(1971, 1, 1)})


def test_archived_people_cannot_change_until_restored():
    p = person()
    p.archive("迁出")
    with pytest.raises(Conflict):
        p.update({"phone": "13800000000"})
    with pytest.raises(Conflict):
        p.archive("again")
    p.restore("回迁")
    assert p.status == "active"


def test_categories_have_dates_and_cannot_overlap():
    p = person()
    with pytest.raises(Conflict):
        p.join_category("non_party_representative", dt.date(2026, 2, 1), None, "a")
    p.leave_category("non_party_representative", dt.date(2026, 3, 1), "调整")
    assert p.current_categories(dt.date(2026, 2, 28)) == ["non_party_representative"]
    assert p.current_categories(dt.date(2026, 3, 1)) == []
    with pytest.raises(InvalidInput):
        p.join_category("no_such_db", dt.date(2026, 3, 1), None, "a")


def test_revoking_a_body_drops_only_its_roles():
    p = person()
    p.set_representative_roles([{"body": "cppcc", "level": "county"}, {"body": "npc", "level": "city"}], "任命")
    assert p.revoke_role("cppcc", "联席评价") is True
    assert [r["body"] for r in p.representative_roles] == ["npc"]
    assert p.revoke_role("cppcc", "again") is False
    assert p.recorded[-1].extra["previous_roles"][0]["body"] == "cppcc"


def test_merge_carries_categories_and_archives_the_duplicate():
    a = person()
    b = Person.register(
        "p2",
        categories=["non_public_economy"],
        today=dt.date(2026, 1, 1),
        name="艾克拜尔·米吉提",
        id_number=idnumber.make("370783", dt.date(1970, 1, 1), 7, "male"),
        unit_code="370783001001",
    )
    a.absorb(b)
    assert set(a.current_categories(dt.date(2026, 1, 2))) == {"non_party_representative", "non_public_economy"}
    assert (b.status, b.merged_into) == ("archived", "p1")
    with pytest.raises(Conflict):
        b.restore("no")


KEY = DigestKey("k1", "secret")


def test_snapshot_has_no_sensitive_fields_and_the_birth_year_only():
    p = person(religion="佛教", ethnicity="维吾尔族")
    p.join_category("ethnic_minority", dt.date(2026, 1, 1), None, "a")
    snap = p.snapshot(KEY)
    assert "religion" not in snap and "ethnicity" not in snap and ID not in str(snap)
    assert "id_masked" not in snap and snap["id_digest"].startswith("k1:")  # no masked form beside the year
    assert "birth_date" not in snap and snap["birth_year"] == 1970 and "19700101" not in str(snap)
    assert snap["categories"] == ["non_party_representative"]
    check_event("cn.tongxin.registry.person.updated.v1", {**snap, "changed_fields": ["name"]})


def test_a_change_to_hidden_fields_alone_emits_no_event_only_history():
    p = person()
    p.update({"religion": "佛教", "ethnicity": "回族", "phone": "13800000000", "address": "寿光"})
    assert p.version == 2 and p.recorded[-1].event is None and len(p.recorded[-1].changes) == 4
    p.update({"religion": "无", "employer": "寿光农发集团"})
    assert (p.recorded[-1].event, p.recorded[-1].extra) == (PERSON_UPDATED, {"changed_fields": ["employer"]})


def test_a_new_id_number_is_named_by_its_shared_forms_and_the_birth_year_only_when_the_year_changes():
    p = person()
    p.update({"id_number": idnumber.make("370783", dt.date(1970, 1, 1), 6, "male")})
    assert p.recorded[-1].extra == {"changed_fields": ["id_digest"]}
    p.update({"id_number": idnumber.make("370783", dt.date(1971, 5, 5), 6, "male"), "birth_date": dt.date(1971, 5, 5)})
    assert p.recorded[-1].extra == {"changed_fields": ["birth_year", "id_digest"]}


def test_joining_or_leaving_a_religious_or_ethnic_database_emits_no_event():
    p = person()
    p.join_category("religious_figure", dt.date(2026, 1, 1), None, "a")
    p.leave_category("religious_figure", dt.date(2026, 2, 1), "调整")
    assert [r.event for r in p.recorded[1:]] == [None, None] and p.version == 3
    p.join_category("non_public_economy", dt.date(2026, 1, 1), None, "a")
    assert p.recorded[-1].event == CATEGORY_JOINED


def test_the_event_version_counts_emitted_events_only():
    p = person()
    p.update({"religion": "佛教"})  # hidden: no event, and no gap in the event versions either
    p.join_category("religious_figure", dt.date(2026, 1, 1), None, "a")
    p.update({"tags": ["佛教"]})
    p.update({"employer": "某公司"})
    emitted = [r for r in p.recorded if r.event]
    assert [r.event_version for r in emitted] == [1, 2] and p.snapshot(KEY)["version"] == 2
    assert p.version == 5  # the registry's own (ETag) version still counts every change


def test_religion_in_free_text_stays_home():
    p = person(employer="东关清真寺", position="阿訇")
    p.set_representative_roles([{"body": "cppcc", "level": "county", "title": "宗教界别委员（伊斯兰教）"}], "当选")
    snap = p.snapshot(KEY)
    assert snap["employer"] is None and snap["position"] is None
    assert snap["representative_roles"][0]["title"] is None and snap["representative_roles"][0]["body"] == "cppcc"
    p.update({"employer": "西关清真寺", "tags": ["回民"]})  # withheld values changed: nothing to say
    assert p.recorded[-1].event is None
    p.update({"tags": ["回民", "骨干"]})
    assert p.recorded[-1].extra == {"changed_fields": ["tags"]}
