"""The assessment scheme on worked examples: the shipped 同心指数, item points for higher- and
lower-is-better indicators, items with nothing to measure, the index, rankings, and refusals
of malformed schemes."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from supervision.adapters.schemes import load_scheme, shipped_versions
from supervision.domain.figures import Figure
from supervision.domain.indicators import INDICATORS
from supervision.domain.ranking import Place, children, rank
from supervision.domain.scheme import InvalidScheme, scheme_from_dict, score

SCHEME = load_scheme()
FIRST = load_scheme("2026.1")


def figs(**values):
    given = {code: None if values.get(code) is None else Decimal(str(values[code])) for code in INDICATORS}
    return {code: Figure(code, value, 0) for code, value in given.items()}


def test_the_shipped_scheme_is_the_tongxin_index_with_its_five_sections():
    assert shipped_versions() == ["2026.1", "2026.2"]
    assert (SCHEME.code, SCHEME.version, SCHEME.name_zh) == ("tongxin-index", "2026.2", "同心指数")
    for scheme in (SCHEME, FIRST):
        assert [(s.code, s.weight) for s in scheme.sections] == [
            ("team", 10), ("mechanisms", 10), ("study", 30), ("giving_back", 30), ("public_assessment", 20)
        ]  # fmt: skip
        study = scheme.sections[2]
        assert study.measured_weight == 0 and "study" in study.unmeasured
        assert len(scheme.digest) == 64
    assert FIRST.digest != SCHEME.digest


def test_a_town_meeting_every_target_earns_all_70_measurable_points():
    full = figs(
        evaluation_coverage=100, records_current=95, notices_handled=100, resolved_within_sla=100,
        volunteer_activities=5, people_served=250, suggestions_answered=100, satisfaction=4.8, sla_breaches=0,
        sla_breach_rate=5,
    )  # fmt: skip
    for scheme in (SCHEME, FIRST):
        s = score(scheme, "town", full)
        assert (s.points, s.out_of, s.index) == (Decimal("70.00"), Decimal(70), Decimal("100.00"))


#: A town short of its targets, the same figures under both versions.
SHORT = figs(
    evaluation_coverage=57,  # 6 x 57/95 = 3.60
    records_current=45,  # 4 x 45/90 = 2.00
    notices_handled=None,  # no notice: leaves the total
    resolved_within_sla=76,  # 5 x 76/95 = 4.00
    volunteer_activities=1,  # town target 3: 10 / 3 = 3.33
    people_served=50,  # town target 100: 5.00
    suggestions_answered=45,  # 10 x 45/90 = 5.00
    satisfaction=3.6,
    sla_breaches=3,
    sla_breach_rate=24,
)  # fmt: skip
ALIKE = {
    "evaluation_coverage": Decimal("3.60"), "records_current": Decimal("2.00"), "notices_handled": None,
    "resolved_within_sla": Decimal("4.00"), "volunteer_activities": Decimal("3.33"),
    "people_served": Decimal("5.00"), "suggestions_answered": Decimal("5.00"),
}  # fmt: skip


def test_worked_example_of_a_town_short_of_its_targets():
    s = score(SCHEME, "town", SHORT)
    assert {i.indicator: i.points for i in s.items} == {
        **ALIKE,
        "satisfaction": Decimal("8.91"),  # 12 x (3.6 - 1) / (4.5 - 1): the worst rating, 1, earns nothing
        "sla_breach_rate": Decimal("6.40"),  # 8 x (100 - 24) / (100 - 5): a share of what fell due, worst 100%
    }
    assert s.points == Decimal("38.24") and s.out_of == 65
    assert s.index == Decimal("58.83")  # 38.24 / 65 x 100


def test_the_first_version_scores_as_it_did_when_its_months_were_closed():
    # 2026.1 measured satisfaction from 0 and counted breaches: a month closed under it keeps these points.
    s = score(FIRST, "town", SHORT)
    assert {i.indicator: i.points for i in s.items} == {
        **ALIKE,
        "satisfaction": Decimal("9.60"),  # 12 x 3.6 / 4.5
        "sla_breaches": Decimal("2.00"),  # 8 / (1 + 3)
    }
    assert s.points == Decimal("34.53") and s.index == Decimal("53.12")


def test_targets_follow_the_unit_level():
    one_activity = figs(volunteer_activities=1)
    assert score(SCHEME, "village", one_activity).index == Decimal("100.00")
    assert score(SCHEME, "county", one_activity).index == Decimal("10.00")


def test_a_unit_with_nothing_measured_has_no_index():
    s = score(SCHEME, "village", figs())
    assert (s.points, s.out_of, s.index) == (0, 0, None)


def test_rankings_share_equal_places_and_put_the_unmeasured_last():
    places = rank({"370783003000": Decimal(80), "370783001000": Decimal(90), "370783002000": Decimal(80),
                   "370783004000": None})  # fmt: skip
    assert places == [
        Place("370783001000", Decimal(90), 1), Place("370783002000", Decimal(80), 2),
        Place("370783003000", Decimal(80), 2), Place("370783004000", None, None),
    ]  # fmt: skip


def test_the_units_ranked_are_those_one_level_below():
    seen = ["370783001001", "370783001000", "370783002003", "370783000000", "370782001001"]
    assert children("370783000000", seen) == ["370783001000", "370783002000"]
    assert children("370783001000", seen) == ["370783001001"]
    assert children("370783001001", seen) == []


RAW = {
    "code": "x", "version": "1", "name_zh": "x", "name_en": "x", "current_within_months": 6,
    "sections": [{"code": "a", "name_zh": "a", "name_en": "a", "weight": 100,
                  "items": [{"indicator": "people_served", "weight": 100, "target": 10}]}],
}  # fmt: skip


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["sections"][0].update(weight=90), "add up to 100"),
        (lambda d: d["sections"][0]["items"][0].update(indicator="happiness"), "unknown indicator"),
        (lambda d: d["sections"][0]["items"][0].update(weight=120), "weigh more"),
        (lambda d: d["sections"][0]["items"][0].update(weight=60), "say why"),
        (lambda d: d["sections"][0]["items"][0].update(target=0), "positive"),
        (lambda d: d["sections"][0]["items"][0].update(target={"town": 3}), "malformed"),
        (lambda d: d["sections"][0]["items"].append(dict(d["sections"][0]["items"][0])), "twice"),
        (lambda d: d.pop("version"), "malformed"),
        (lambda d: d["sections"][0]["items"][0].update(worst=10), "better than the worst"),
        (lambda d: d["sections"][0]["items"][0].update(indicator="sla_breach_rate", target=5), "needs its worst"),
        (lambda d: d["sections"][0]["items"][0].update(indicator="sla_breach_rate", target=5, worst=4), "better"),
    ],
)
def test_a_malformed_scheme_is_refused_with_the_reason(change, message):
    raw = copy.deepcopy(RAW)
    change(raw)
    with pytest.raises(InvalidScheme, match=message):
        scheme_from_dict(raw, "0" * 64)
