"""Review 21 (issue 20), failing demonstrations on the scoring side: who is charged for a late
request, what an unresolved request costs, and what a unit with no requests earns.

The facts are shaped as the service desk really publishes them: its SLA sweep escalates a late
request to the unit above (``servicedesk.service_layer.sla``), so the resolution that follows names
the town as ``handling_unit`` and the breach names the community as ``escalated_from``."""

from __future__ import annotations

from chassis.contracts import registry as reg
from chassis.contracts import servicedesk as sd
from supervision.adapters.schemes import load_scheme
from supervision.domain.facts import Fact, Person
from supervision.domain.figures import figures
from supervision.domain.measurement import Evidence, contributions
from supervision.domain.scheme import score

SCHEME = load_scheme()
TOWN_A, A1 = "370783001000", "370783001001"
TOWN_B, B1 = "370783002000", "370783002001"
OCT = "2026-10"
PEOPLE = [
    Person("pa", A1, True, "da", "e-pa", reg.PERSON_UPDATED, "2026-10-01"),
    Person("pb", B1, True, "db", "e-pb", reg.PERSON_UPDATED, "2026-10-01"),
]


def fact(event_id, event_type, unit, subject, **kw):
    return Fact(event_id, event_type, OCT, unit, subject, **kw)


def test_a_town_with_no_requests_is_not_rewarded_on_the_breaches_item():
    # The scheme's own rule: "a town is neither rewarded nor punished for having no requests".
    found = contributions(Evidence(OCT, [fact("x1", sd.ACTIVITY_RECORDED, A1, "act", measure=1)], PEOPLE))
    items = {i.indicator: i for i in score(SCHEME, "town", figures(found, TOWN_A)).items}
    assert items["resolved_within_sla"].points is None  # nothing resolved: not measured
    # but sla_breaches is a count, 0 whenever nothing was asked: 8 free points of 8.
    assert items["sla_breaches"].points is None, items["sla_breaches"]


def test_the_indicator_names_say_what_they_count():
    from supervision.domain.indicators import INDICATORS

    # 受理 is acceptance (the next indicator, 诉求按时受理率); this one counts requests submitted.
    assert "受理" not in INDICATORS["requests_received"].name_zh
    # 件数 counts requests, but the unit of measure (and the count: one request may miss twice) is 次.
    breaches = INDICATORS["sla_breaches"]
    assert not (breaches.name_zh.endswith("件数") and breaches.measure == "次")


def test_the_worst_satisfaction_rating_earns_no_points():
    # Ratings run 1-5, so value / target gives the worst possible mean (1.00) 12 x 1 / 4.5 = 2.67 points.
    found = contributions(Evidence(OCT, [
        fact("c1", sd.REQUEST_CLOSED, A1, "r1", person_id="pa", measure=1),
    ], PEOPLE))  # fmt: skip
    items = {i.indicator: i for i in score(SCHEME, "town", figures(found, TOWN_A)).items}
    assert items["satisfaction"].value == 1
    assert items["satisfaction"].points == 0, items["satisfaction"]
