"""How the service desk's requests score a unit: who is charged for a late request (review 21), what
an unresolved one costs, the breach rate against the time limits that fell due, and the floor of the
satisfaction rating; worked on two towns with one person each, so only the requests tell them apart."""

from __future__ import annotations

from decimal import Decimal

from chassis.contracts import registry as reg
from chassis.contracts import servicedesk as sd
from supervision.adapters.schemes import load_scheme
from supervision.domain.facts import Fact, Person
from supervision.domain.figures import figures
from supervision.domain.measurement import Evidence, contributions
from supervision.domain.scheme import score

TOWN_A, TOWN_B = "370783001000", "370783002000"
A1, B1 = "370783001001", "370783002001"
OCT = "2026-10"


# -- review 21: who is charged for a late request, and what an unresolved one costs ---------------
# The service desk's SLA sweep escalates a late request to the unit above, so the resolution that
# follows names the town as handling unit and the breach names the community as escalated_from.
SCHEME = load_scheme()
FIRST = load_scheme("2026.1")
#: One person in each town, alike, so that only the requests tell the towns apart.
ALIKE = [
    Person("pa", A1, True, "da", "e-pa", reg.PERSON_UPDATED, "2026-10-01"),
    Person("pb", B1, True, "db", "e-pb", reg.PERSON_UPDATED, "2026-10-01"),
]


def rfact(event_id, event_type, unit, subject, **kw):
    return Fact(event_id, event_type, OCT, unit, subject, **kw)


def test_a_communitys_late_resolution_counts_against_the_community_not_only_its_town():
    # The community A1 let r1 run past its resolution time; the sweep escalated it to town A, which resolved it.
    found = contributions(Evidence(OCT, [
        rfact("f1", sd.REQUEST_OPENED, A1, "r1", person_id="pa"),
        rfact("f2", sd.REQUEST_SLA_BREACHED, A1, "r1", detail="resolution"),
        rfact("f3", sd.REQUEST_RESOLVED, TOWN_A, "r1", person_id="pa"),
    ], ALIKE))  # fmt: skip
    # The miss is the community's (the breach's escalated_from), though every late request leaves it
    # before it is resolved; the town that resolved it is not charged again.
    assert figures(found, A1)["resolved_within_sla"].value == 0
    assert [(c.unit_code, c.role) for c in found if c.indicator == "resolved_within_sla"] == [(A1, "missed")]


def test_leaving_a_breached_request_unresolved_does_not_score_better_than_resolving_it_late():
    # Town A never resolves its breached request; town B resolves its own late. Everything else is equal.
    facts = [
        rfact("a1", sd.REQUEST_OPENED, A1, "ra", person_id="pa"),
        rfact("a2", sd.REQUEST_SLA_BREACHED, A1, "ra", detail="resolution"),
        rfact("b1", sd.REQUEST_OPENED, B1, "rb", person_id="pb"),
        rfact("b2", sd.REQUEST_SLA_BREACHED, B1, "rb", detail="resolution"),
        rfact("b3", sd.REQUEST_RESOLVED, TOWN_B, "rb", person_id="pb"),
    ]
    found = contributions(Evidence(OCT, facts, ALIKE))
    unresolved = score(SCHEME, "town", figures(found, TOWN_A)).index
    resolved_late = score(SCHEME, "town", figures(found, TOWN_B)).index
    # The unresolved request's missed resolution time counts as much as a late resolution.
    assert unresolved <= resolved_late, (unresolved, resolved_late)


def test_a_town_with_no_requests_is_not_rewarded_on_the_breaches_item():
    # The scheme's own rule: "a town is neither rewarded nor punished for having no requests".
    found = contributions(Evidence(OCT, [rfact("x1", sd.ACTIVITY_RECORDED, A1, "act", measure=1)], ALIKE))
    items = {i.indicator: i for i in score(SCHEME, "town", figures(found, TOWN_A)).items}
    assert items["resolved_within_sla"].points is None  # nothing resolved: not measured
    # Since 2026.2 breaches are a rate of the time limits that fell due: nothing fell due, nothing measured.
    assert items["sla_breach_rate"].value is None and items["sla_breach_rate"].points is None
    # 2026.1 counted them: 0 whenever nothing was asked, 8 free points; its closed months keep that.
    first = {i.indicator: i for i in score(FIRST, "town", figures(found, TOWN_A)).items}
    assert first["sla_breaches"].points == 8


def test_the_breach_rate_weighs_a_miss_against_what_fell_due():
    # Town A kept three limits of four (two requests accepted in time, one resolved, one missed its resolution);
    # town B missed one of one. A count said 1 and 1: the same points for both.
    facts = [
        rfact("a1", sd.REQUEST_STATUS_CHANGED, A1, "ra", detail="accepted", at="2026-10-01T00:00:00+00:00"),
        rfact("a2", sd.REQUEST_RESOLVED, A1, "ra", person_id="pa"),
        rfact("a3", sd.REQUEST_STATUS_CHANGED, A1, "rc", detail="accepted", at="2026-10-01T00:00:00+00:00"),
        rfact("a4", sd.REQUEST_SLA_BREACHED, A1, "rc", detail="resolution"),
        rfact("b1", sd.REQUEST_SLA_BREACHED, B1, "rb", detail="response"),
    ]
    found = contributions(Evidence(OCT, facts, ALIKE))
    assert figures(found, TOWN_A)["sla_breach_rate"].value == Decimal("25.00")  # a4 missed; a1, a2, a3 kept
    assert figures(found, TOWN_B)["sla_breach_rate"].value == 100
    points = {t: next(i.points for i in score(SCHEME, "town", figures(found, t)).items
                      if i.indicator == "sla_breach_rate") for t in (TOWN_A, TOWN_B)}  # fmt: skip
    assert points == {TOWN_A: Decimal("6.32"), TOWN_B: 0}  # 8 x (100 - 25) / (100 - 5)
    drill = [(c.event_id, c.role) for c in found if c.indicator == "sla_breach_rate" and c.unit_code == A1]
    assert drill == [("a1", "met"), ("a2", "met"), ("a3", "met"), ("a4", "missed")]


def test_the_worst_satisfaction_rating_earns_no_points():
    # Ratings run 1-5, so value / target gives the worst possible mean (1.00) 12 x 1 / 4.5 = 2.67 points.
    found = contributions(Evidence(OCT, [
        rfact("c1", sd.REQUEST_CLOSED, A1, "r1", person_id="pa", measure=1),
    ], ALIKE))  # fmt: skip
    items = {i.indicator: i for i in score(SCHEME, "town", figures(found, TOWN_A)).items}
    assert items["satisfaction"].value == 1
    assert items["satisfaction"].points == 0, items["satisfaction"]
    # 2026.1 measured from 0: a month closed under it keeps its 2.67 until a recorded recalculation.
    first = {i.indicator: i for i in score(FIRST, "town", figures(found, TOWN_A)).items}
    assert first["satisfaction"].points == Decimal("2.67")
