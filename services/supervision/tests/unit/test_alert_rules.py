"""Each alert rule on a worked example: the cause it names (raise), none when the work is done
or not yet due (clear), and the boundary of its N."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from chassis.contracts import evaluation as ev
from chassis.contracts import gateway as gw
from chassis.contracts import registry as reg
from chassis.contracts import servicedesk as sd
from supervision.domain.alerts import RULES, Limits, Situation, causes
from supervision.domain.facts import Fact, Person
from supervision.domain.measurement import Evidence

TOWN_A, TOWN_B = "370783001000", "370783002000"
A1, B1 = "370783001001", "370783002001"
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)  # 20 Nov 2026, 10:00 in Beijing
NOV = "2026-11"
TARGETS = {"resolved_within_sla": {"village": Decimal(90), "town": Decimal(95), "county": Decimal(95)}}


def fact(event_id, event_type, unit, subject, month=NOV, at="2026-11-10T02:00:00+00:00", **kw):
    return Fact(event_id, event_type, month, unit, subject, at=at, **kw)


def person(pid, unit, updated_on, active=True, digest=None):
    return Person(pid, unit, active, digest or f"d-{pid}", f"e-{pid}", reg.PERSON_UPDATED, updated_on)


def situation(people=(), pending=(), month_facts=(), now=NOW, targets=TARGETS):
    evidence = Evidence(NOV, list(month_facts), list(people))
    return Situation(now, list(people), list(pending), evidence, targets, Limits())


def found(s, rule):
    return [(c.unit_code, c.subject, c.detail) for c in RULES[rule].find(s)]


# -- a town's SLA compliance below the scheme's target ----------------------------------------------
def resolved(n, unit, late=False):
    rows = [fact(f"r{n}", sd.REQUEST_RESOLVED, unit, f"req{n}")]
    if late:
        rows.append(fact(f"b{n}", sd.REQUEST_SLA_BREACHED, unit, f"req{n}", detail="resolution"))
    return rows


def test_a_town_below_its_sla_target_is_alerted_with_its_communities_counted_in():
    # Town A: 3 of 4 resolved in time (75 %, its community's late one counted) < 95; town B: 1 of 1.
    rows = [*resolved(1, TOWN_A), *resolved(2, A1), *resolved(3, A1), *resolved(4, A1, late=True), *resolved(5, B1)]
    said = "诉求按时办结率 75.00%，低于目标 95%"
    assert found(situation(month_facts=rows), "sla_below_target") == [(TOWN_A, NOV, said)]


def test_sla_compliance_at_target_or_with_nothing_resolved_raises_nothing():
    rows = [r for n in range(19) for r in resolved(n, A1)]
    rows += resolved(99, A1, late=True)  # 19 of 20 = 95.00, exactly the target
    assert found(situation(month_facts=rows), "sla_below_target") == []
    assert found(situation(), "sla_below_target") == []


def test_a_scheme_without_the_sla_item_has_no_sla_alert():
    rows = resolved(1, A1, late=True)
    assert found(situation(month_facts=rows, targets={}), "sla_below_target") == []


# -- a person's record not updated for N months ---------------------------------------------------
def test_a_record_older_than_n_months_is_alerted_at_the_persons_unit():
    # 20 Nov minus 6 months is 20 May: a record of 19 May is stale, one of 20 May is not.
    people = [person("p1", A1, "2026-05-19"), person("p2", A1, "2026-05-20"), person("p3", B1, "2025-01-01", False)]
    assert found(situation(people), "record_stale") == [(A1, "p1", "2026-05-19")]


def test_an_updated_record_names_no_cause_any_more():
    assert found(situation([person("p1", A1, "2026-11-19")]), "record_stale") == []


# -- a violation notice unhandled for N days ------------------------------------------------------
def notice(eid, subject, digest, at):
    return fact(eid, gw.VIOLATION_NOTICE, None, subject, at=at, id_digest=digest, detail="court")


def test_a_notice_unhandled_for_n_days_is_alerted_at_the_town_of_its_persons_unit():
    # At the town, never the community: a community may hold a handful of people (review 22).
    people = [person("p1", A1, "2026-11-01"), person("p2", B1, "2026-11-01")]
    pending = [
        notice("n1", "court/N1", "d-p1", "2026-11-05T02:00:00+00:00"),  # 15 days before NOW: due
        notice("n2", "court/N2", "d-p2", "2026-11-05T02:00:01+00:00"),  # a second short of 15 days
        notice("n3", "court/N3", "d-nobody", "2026-10-01T02:00:00+00:00"),  # matches nobody: nobody's work yet
    ]
    assert found(situation(people, pending), "notice_unhandled") == [(TOWN_A, "court/N1", "2026-11-05")]
    at_the_town = [person("p1", TOWN_A, "2026-11-01")]
    assert found(situation(at_the_town, pending), "notice_unhandled") == [(TOWN_A, "court/N1", "2026-11-05")]


def test_a_veto_a_later_decision_or_a_rescission_handles_the_notice():
    people = [person("p1", A1, "2026-11-01"), person("p2", A1, "2026-11-01"), person("p3", A1, "2026-11-01")]
    at = "2026-10-01T02:00:00+00:00"
    pending = [
        notice("n1", "court/N1", "d-p1", at),
        fact("v1", ev.VETO_APPLIED, A1, "court/N1", person_id="p1"),
        notice("n2", "court/N2", "d-p2", at),
        fact("w1", ev.REPRESENTATIVE_WARNED, A1, "p2", person_id="p2", at="2026-10-02T00:00:00+00:00"),
        notice("n3", "court/N3", "d-p3", at),
        fact("x1", gw.VIOLATION_RESCINDED, None, "court/N3", detail="court"),
    ]
    assert found(situation(people, pending), "notice_unhandled") == []
    # A decision taken before the notice does not answer it.
    earlier = fact("w0", ev.REPRESENTATIVE_WARNED, A1, "p2", person_id="p2", at="2026-09-01T00:00:00+00:00")
    before = [*pending[:3], earlier]
    assert found(situation(people, before), "notice_unhandled") == [(TOWN_A, "court/N2", "2026-10-01")]


# -- a suggestion unanswered past N days ----------------------------------------------------------
def test_a_suggestion_unanswered_past_n_days_is_alerted_and_an_answer_clears_it():
    pending = [
        fact("s1", sd.SUGGESTION_RECEIVED, A1, "sg1", at="2026-10-21T02:00:00+00:00"),  # 30 days: due
        fact("s2", sd.SUGGESTION_RECEIVED, B1, "sg2", at="2026-10-22T02:00:00+00:00"),  # 29 days: not yet
    ]
    assert found(situation(pending=pending), "suggestion_unanswered") == [(A1, "sg1", "2026-10-21")]
    answered = [*pending, fact("s3", sd.SUGGESTION_ANSWERED, A1, "sg1")]
    assert found(situation(pending=answered), "suggestion_unanswered") == []


def test_causes_are_one_per_key_in_a_stable_order():
    people = [person("p2", B1, "2025-01-01"), person("p1", A1, "2025-01-01")]
    pending = [fact("s1", sd.SUGGESTION_RECEIVED, A1, "sg1", at="2026-01-01T00:00:00+00:00")]
    keys = [c.key for c in causes(situation(people, pending))]
    assert keys == sorted(keys) == [("record_stale", A1, "p1"), ("record_stale", B1, "p2"),
                                    ("suggestion_unanswered", A1, "sg1")]  # fmt: skip
