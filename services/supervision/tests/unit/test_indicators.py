"""Every indicator on a worked example: two towns of one county, a month of events, and the
figures a person would count by hand."""

from __future__ import annotations

from decimal import Decimal

from chassis.contracts import evaluation as ev
from chassis.contracts import gateway as gw
from chassis.contracts import registry as reg
from chassis.contracts import servicedesk as sd
from supervision.domain import months
from supervision.domain.facts import Fact, Person
from supervision.domain.figures import figures
from supervision.domain.indicators import INDICATORS
from supervision.domain.measurement import MEASURES, Evidence, contributions

COUNTY, TOWN_A, TOWN_B = "370783000000", "370783001000", "370783002000"
A1, A2, B1 = "370783001001", "370783001002", "370783002001"
OCT = "2026-10"


def fact(event_id, event_type, unit, subject, month=OCT, **kw):
    return Fact(event_id, event_type, month, unit, subject, **kw)


PEOPLE = [
    Person("p1", A1, True, "d1", "e-p1", reg.PERSON_UPDATED, "2026-09-30"),
    Person("p2", A1, True, "d2", "e-p2", reg.PERSON_REGISTERED, "2026-04-29"),  # over 6 months before 31 Oct: stale
    Person("p3", A2, True, "d3", "e-p3", reg.PERSON_MOVED, "2026-05-01"),  # 31 Oct minus 6 months is 30 Apr
    Person("p4", B1, False, "d4", "e-p4", reg.PERSON_ARCHIVED, "2026-10-01"),  # archived: not on record
    Person("p5", B1, True, "d5", "e-p5", reg.PERSON_UPDATED, "2025-01-01"),
]

FACTS = [
    # requests: r1 opened and resolved in time in A1; r2 resolved late (breached) in the town itself
    fact("f01", sd.REQUEST_OPENED, A1, "r1", person_id="p1"),
    fact("f02", sd.REQUEST_RESOLVED, A1, "r1", person_id="p1", at="2026-10-05T00:00:00+00:00"),
    fact("f03", sd.REQUEST_OPENED, TOWN_A, "r2", person_id="p2", month="2026-09"),
    fact("f04", sd.REQUEST_SLA_BREACHED, A1, "r2", detail="resolution", month="2026-09"),
    fact("f05", sd.REQUEST_RESOLVED, TOWN_A, "r2", person_id="p2"),
    fact("f06", sd.REQUEST_SLA_BREACHED, B1, "r3", detail="response"),
    fact("f07", sd.REQUEST_SLA_BREACHED, B1, "r3", detail="resolution"),
    fact("f08", sd.REQUEST_CLOSED, A1, "r1", person_id="p1", measure=Decimal(5)),
    fact("f09", sd.REQUEST_CLOSED, TOWN_A, "r2", person_id="p2", measure=Decimal(2)),
    fact("f10", sd.REQUEST_CLOSED, B1, "r9", person_id="p5", measure=None),  # closed without a rating
    # suggestions: s1 answered (in November), s2 not
    fact("f11", sd.SUGGESTION_RECEIVED, A2, "s1"),
    fact("f12", sd.SUGGESTION_ANSWERED, A2, "s1", month="2026-11"),
    fact("f13", sd.SUGGESTION_RECEIVED, A2, "s2"),
    # activities and donations
    fact("f14", sd.ACTIVITY_RECORDED, A1, "act1", measure=Decimal(30)),
    fact("f15", sd.ACTIVITY_RECORDED, B1, "act2", measure=Decimal(12)),
    fact("f16", sd.ACTIVITY_RECORDED, B1, "act3", measure=Decimal(8), month="2026-09"),
    fact("f17", sd.DONATION_RECORDED, B1, "don1", measure=Decimal("1000.50")),
    # evaluation: p1 complete, p2 scored twice (the newest is complete), p3 incomplete
    fact("f18", ev.PERSON_SCORED, A1, "rd1/p1", person_id="p1", detail="complete", at="2026-10-02T00:00:00+00:00"),
    fact("f19", ev.PERSON_SCORED, A1, "rd1/p2", person_id="p2", detail="incomplete", at="2026-10-02T00:00:00+00:00"),
    fact("f20", ev.PERSON_SCORED, A1, "rd1/p2", person_id="p2", detail="complete", at="2026-10-09T00:00:00+00:00"),
    fact("f21", ev.PERSON_SCORED, A2, "rd1/p3", person_id="p3", detail="incomplete", at="2026-10-02T00:00:00+00:00"),
    # notices: n1 on p1 vetoed; n2 on p5 decided on later; n3 on p3 rescinded; n4 names nobody; n5 on p2 untouched
    fact("f22", gw.VIOLATION_NOTICE, None, "court/n1", id_digest="d1", at="2026-10-03T00:00:00+00:00"),
    fact("f23", ev.VETO_APPLIED, A1, "court/n1", person_id="p1"),
    fact("f24", gw.VIOLATION_NOTICE, None, "court/n2", id_digest="d5", at="2026-10-03T00:00:00+00:00"),
    fact("f25", ev.REPRESENTATIVE_WARNED, B1, "p5", person_id="p5", at="2026-10-20T00:00:00+00:00"),
    fact("f26", gw.VIOLATION_NOTICE, None, "npc/n3", id_digest="d3", at="2026-10-03T00:00:00+00:00"),
    fact("f27", gw.VIOLATION_RESCINDED, None, "npc/n3"),
    fact("f28", gw.VIOLATION_NOTICE, None, "court/n4", id_digest="nobody", at="2026-10-03T00:00:00+00:00"),
    fact("f29", gw.VIOLATION_NOTICE, None, "court/n5", id_digest="d2", at="2026-10-03T00:00:00+00:00"),
    fact("f30", ev.REPRESENTATIVE_RETAINED, A1, "p2", person_id="p2", at="2026-10-01T00:00:00+00:00"),  # before n5
    # acceptance: r1 accepted in time (then started: not an acceptance); r3 accepted after its response breach
    fact("f31", sd.REQUEST_STATUS_CHANGED, A1, "r1", detail="accepted", at="2026-10-02T00:00:00+00:00"),
    fact("f32", sd.REQUEST_STATUS_CHANGED, B1, "r3", detail="accepted", at="2026-10-02T00:00:00+00:00"),
    fact("f33", sd.REQUEST_STATUS_CHANGED, A1, "r1", detail="in_progress", at="2026-10-03T00:00:00+00:00"),
    # study: p1 (A1) and p3 (A2) completed assignment as1 in October, p1's completion delivered twice; p5 in September
    fact("f34", sd.STUDY_ASSIGNMENT_COMPLETED, A1, "as1/p1", person_id="p1", at="2026-10-06T00:00:00+00:00"),
    fact("f35", sd.STUDY_ASSIGNMENT_COMPLETED, A2, "as1/p3", person_id="p3", at="2026-10-07T00:00:00+00:00"),
    fact("f36", sd.STUDY_ASSIGNMENT_COMPLETED, B1, "as1/p5", person_id="p5", month="2026-09"),
    fact("f37", sd.STUDY_ASSIGNMENT_COMPLETED, A1, "as1/p1", person_id="p1", at="2026-10-06T00:00:00+00:00"),
]


def october():
    return contributions(Evidence(OCT, FACTS, PEOPLE))


def values(unit):
    return {code: f.value for code, f in figures(october(), unit).items()}


def test_every_indicator_is_defined_once_with_names_formula_and_what_it_reads():
    assert set(MEASURES) == set(INDICATORS)
    for i in INDICATORS.values():
        assert i.name_zh and i.name_en and i.formula and i.measure and i.reads


def test_the_county_figures_add_up_both_towns():
    assert values(COUNTY) == {
        "people_on_record": 4,
        "records_current": Decimal("50.00"),  # p1, p3 of p1, p2, p3, p5
        "requests_received": 1,  # r2 was opened in September
        "accepted_in_time": Decimal("50.00"),  # r1 in time, r3 after its response time
        "resolved_within_sla": Decimal("50.00"),  # r1 in time; r3 missed (unresolved); r2 missed in September
        "sla_breaches": 2,  # r3 missed both times in October
        "sla_breach_rate": Decimal("50.00"),  # r3's two misses of four limits settled: r1 accepted and resolved
        "satisfaction": Decimal("3.50"),  # (5 + 2) / 2; the unrated close does not count
        "suggestions_answered": Decimal("50.00"),
        "evaluation_coverage": Decimal("66.67"),  # p1 and p2 (newest) of p1, p2, p3
        "notices_handled": Decimal("66.67"),  # n1 vetoed, n2 decided after; n5 not; n3 rescinded, n4 nobody's
        "volunteer_activities": 2,
        "people_served": 42,
        "donations_yuan": Decimal("1000.50"),
        "study_completions": 2,  # p1 (once, though delivered twice) and p3; p5's was September's
    }


def test_a_town_sees_its_own_events_and_its_communities():
    a = values(TOWN_A)
    assert a["people_on_record"] == 3 and a["records_current"] == Decimal("66.67")
    assert a["resolved_within_sla"] == Decimal("100.00") and a["sla_breaches"] == 0  # r2's miss is September's
    assert a["sla_breach_rate"] == 0  # r1 kept both limits; r2's resolution missed in September, not again
    assert a["notices_handled"] == Decimal("50.00")  # n1 handled, n5 (p2 of A1) not
    b = values(TOWN_B)
    assert b["sla_breaches"] == 2 and b["people_served"] == 12 and b["satisfaction"] is None
    assert b["sla_breach_rate"] == 100  # r3 missed both and kept none
    assert b["resolved_within_sla"] == Decimal("0.00")  # r3 missed its resolution time: unresolved costs
    assert (a["accepted_in_time"], b["accepted_in_time"]) == (Decimal("100.00"), Decimal("0.00"))


def test_a_community_sees_only_itself():
    a2 = values(A2)
    assert a2["people_on_record"] == 1 and a2["suggestions_answered"] == Decimal("50.00")
    assert a2["resolved_within_sla"] is None  # r2 was resolved by the town, not by the community


def test_study_completions_count_by_the_unit_the_member_was_assigned_at():
    assert (values(A1)["study_completions"], values(A2)["study_completions"]) == (1, 1)
    assert values(TOWN_B)["study_completions"] == 0  # measured (other events), none completed in October
    studied = [(c.event_id, c.unit_code, c.person_id) for c in october() if c.indicator == "study_completions"]
    assert studied == [("f37", A1, "p1"), ("f35", A2, "p3")]


def test_contributions_name_the_events_behind_a_figure():
    late = [c for c in october() if c.indicator == "resolved_within_sla"]
    assert [(c.event_id, c.role, c.unit_code) for c in late] == [("f02", "met", A1), ("f07", "missed", B1)]
    # r2 fell due in September at A1, escalated to town A, which resolved it in October: A1 missed, in September
    september = contributions(Evidence("2026-09", FACTS, PEOPLE))
    assert [(c.event_id, c.role, c.unit_code) for c in september if c.indicator == "resolved_within_sla"] == [
        ("f04", "missed", A1)
    ]
    notices = [(c.event_id, c.role, c.person_id) for c in october() if c.indicator == "notices_handled"]
    assert notices == [("f22", "met", "p1"), ("f29", "missed", "p2"), ("f24", "met", "p5")]


def test_the_answer_does_not_depend_on_the_order_the_facts_came_in():
    assert contributions(Evidence(OCT, list(reversed(FACTS)), list(reversed(PEOPLE)))) == october()


def test_months_are_counted_in_china_standard_time():
    import datetime as dt

    assert months.of_instant(dt.datetime(2026, 10, 31, 16, 30, tzinfo=dt.UTC)) == "2026-11"
    assert months.of_instant(dt.datetime(2026, 10, 31, 15, 59, tzinfo=dt.UTC)) == "2026-10"
    assert months.last_day("2024-02") == dt.date(2024, 2, 29)
    assert months.months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)


def test_the_indicator_names_say_what_they_count():
    from supervision.domain.indicators import INDICATORS

    # 受理 is acceptance (the next indicator, 诉求按时受理率); this one counts requests submitted.
    assert "受理" not in INDICATORS["requests_received"].name_zh
    # 件数 counts requests, but the unit of measure (and the count: one request may miss twice) is 次.
    breaches = INDICATORS["sla_breaches"]
    assert not (breaches.name_zh.endswith("件数") and breaches.measure == "次")
