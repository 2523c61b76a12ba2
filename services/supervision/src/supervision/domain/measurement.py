"""From facts to contributions: which event counts towards which indicator of which unit.

A ``Contribution`` is one event behind one figure, placed at the unit it belongs to (the
narrowest one: a community, or a town for what the town handles itself). A month's
contributions are everything the figures, the scores and the drill-down need: a unit's
figure adds up the contributions of its subtree (``domain.figures``), and a closed month
keeps exactly these rows, so its figures do not move when a late event arrives.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from chassis.contracts import evaluation, gateway, servicedesk
from supervision.domain import months
from supervision.domain.facts import Fact, Person
from supervision.domain.indicators import DECISIONS, INDICATORS

#: Roles of a contribution: counted (a count adds ``amount``), met / missed (a share's items),
#: value (a mean's items).
COUNTED, MET, MISSED, VALUE = "counted", "met", "missed", "value"
ONE = Decimal(1)


@dataclasses.dataclass(frozen=True)
class Contribution:
    indicator: str
    unit_code: str
    event_id: str
    event_type: str
    role: str
    amount: Decimal
    person_id: str | None = None


@dataclasses.dataclass(frozen=True)
class Evidence:
    """What one month's figures are computed from: the facts of the month and those that settle
    them later (answers, breaches, vetoes, rescissions), and the people view."""

    month: str
    facts: Sequence[Fact]
    people: Sequence[Person]
    #: A record is current if its newest version is no older than this many months at the month's end.
    current_within_months: int = 6

    def of(self, *types: str) -> list[Fact]:
        """This month's facts of ``types``; the newest per subject (a re-published score, a reopened
        request resolved again), ordered by event id so the answer never depends on arrival order."""
        newest: dict[tuple[str, str], Fact] = {}
        for f in self.facts:
            if f.month == self.month and f.event_type in types:
                key = (f.event_type, f.subject)
                if key not in newest or (f.at, f.event_id) > (newest[key].at, newest[key].event_id):
                    newest[key] = f
        return sorted(newest.values(), key=lambda f: f.event_id)

    def every(self, *types: str) -> list[Fact]:
        """This month's facts of ``types``, each event once (a request may miss two times)."""
        found = (f for f in self.facts if f.month == self.month and f.event_type in types)
        return sorted(found, key=lambda f: f.event_id)

    def subjects(self, *types: str) -> set[str]:
        """Subjects of facts of ``types`` in any month."""
        return {f.subject for f in self.facts if f.event_type in types}


def contributions(evidence: Evidence) -> list[Contribution]:
    """Every contribution of the month, in a stable order."""
    found = [c for measure in MEASURES.values() for c in measure(evidence)]
    return sorted(found, key=lambda c: (c.indicator, c.unit_code, c.event_id, c.role))


def _counted(
    code: str, facts: Iterable[Fact], amount: Callable[[Fact], Decimal | None] = lambda f: ONE
) -> list[Contribution]:
    return [
        Contribution(code, f.unit_code, f.event_id, f.event_type, COUNTED, value, f.person_id)
        for f in facts
        if f.unit_code is not None and (value := amount(f)) is not None
    ]


def _share(code: str, f: Fact, met: bool, unit: str | None = None, person: str | None = None) -> Contribution:
    place = unit or f.unit_code or ""
    return Contribution(code, place, f.event_id, f.event_type, MET if met else MISSED, ONE, person or f.person_id)


def people_on_record(e: Evidence) -> list[Contribution]:
    return [
        Contribution("people_on_record", p.unit_code, p.event_id, p.event_type, COUNTED, ONE, p.person_id)
        for p in e.people
        if p.active
    ]


def records_current(e: Evidence) -> list[Contribution]:
    since = months.months_before(months.last_day(e.month), e.current_within_months).isoformat()
    return [
        Contribution(
            "records_current", p.unit_code, p.event_id, p.event_type, MET if p.updated_on >= since else MISSED, ONE,
            p.person_id,
        )
        for p in e.people
        if p.active
    ]  # fmt: skip


def resolved_within_sla(e: Evidence) -> list[Contribution]:
    """Met: a request resolved in the month that never missed its resolution time. Missed: a
    resolution time that fell due in the month and was missed, resolved or not (one left open
    costs as much as one resolved late), charged to the unit that missed it (the breach's
    ``escalated_from``, not the town the request went up to), once: not again when it is resolved."""
    late = _breached(e, "resolution")
    met = [_share("resolved_within_sla", f, True) for f in e.of(servicedesk.REQUEST_RESOLVED) if f.subject not in late]
    missed = [
        _share("resolved_within_sla", f, False)
        for f in e.every(servicedesk.REQUEST_SLA_BREACHED)
        if f.detail == "resolution" and f.unit_code is not None
    ]
    return met + missed


def _first_acceptances(e: Evidence) -> list[Fact]:
    accepted = [f for f in e.every(servicedesk.REQUEST_STATUS_CHANGED) if f.detail == "accepted"]
    first: dict[str, Fact] = {}
    for f in sorted(accepted, key=lambda f: (f.at, f.event_id)):
        first.setdefault(f.subject, f)
    return sorted(first.values(), key=lambda f: f.event_id)


def _breached(e: Evidence, clock: str) -> set[str]:
    """Requests whose ``clock`` (response or resolution) was missed, in any month."""
    return {f.subject for f in e.facts if f.event_type == servicedesk.REQUEST_SLA_BREACHED and f.detail == clock}


def accepted_in_time(e: Evidence) -> list[Contribution]:
    """Acceptance (受理) is the first response: a request accepted after its response time was breached is late."""
    late = _breached(e, "response")
    return [_share("accepted_in_time", f, f.subject not in late) for f in _first_acceptances(e)]


def sla_breach_rate(e: Evidence) -> list[Contribution]:
    """Of the time limits settled in the month, the share missed: each breach in the month counts once,
    against the unit that missed (its ``escalated_from``); a response time kept is a first acceptance
    in the month with no response breach, a resolution time kept a resolution with no resolution
    breach. Nothing settled, nothing measured: a unit with no requests is neither rewarded nor punished."""
    code = "sla_breach_rate"
    kept = [f for f in _first_acceptances(e) if f.subject not in _breached(e, "response")]
    kept += [f for f in e.of(servicedesk.REQUEST_RESOLVED) if f.subject not in _breached(e, "resolution")]
    missed = [f for f in e.every(servicedesk.REQUEST_SLA_BREACHED) if f.unit_code is not None]
    return [_share(code, f, True) for f in kept] + [_share(code, f, False) for f in missed]


def suggestions_answered(e: Evidence) -> list[Contribution]:
    answered = e.subjects(servicedesk.SUGGESTION_ANSWERED)
    received = e.of(servicedesk.SUGGESTION_RECEIVED)
    return [_share("suggestions_answered", f, f.subject in answered) for f in received]


def evaluation_coverage(e: Evidence) -> list[Contribution]:
    return [_share("evaluation_coverage", f, f.detail == "complete") for f in e.of(evaluation.PERSON_SCORED)]


def notices_handled(e: Evidence) -> list[Contribution]:
    """A notice is placed at the unit of the person whose ID digest it names; a notice that matches
    nobody in the view is left out (nobody's work yet), as is one its agency rescinded."""
    by_digest: dict[str, Person] = {}
    for p in sorted(e.people, key=lambda p: (not p.active, p.person_id)):
        if p.id_digest:
            by_digest.setdefault(p.id_digest, p)
    rescinded = e.subjects(gateway.VIOLATION_RESCINDED)
    vetoed = e.subjects(evaluation.VETO_APPLIED)
    decided = [f for f in e.facts if f.event_type in DECISIONS]
    found = []
    for notice in e.of(gateway.VIOLATION_NOTICE):
        person = by_digest.get(notice.id_digest or "")
        if person is None or notice.subject in rescinded:
            continue
        acted = notice.subject in vetoed or any(d.person_id == person.person_id and d.at >= notice.at for d in decided)
        found.append(_share("notices_handled", notice, acted, person.unit_code, person.person_id))
    return found


def satisfaction(e: Evidence) -> list[Contribution]:
    return [
        Contribution("satisfaction", f.unit_code, f.event_id, f.event_type, VALUE, f.measure, f.person_id)
        for f in e.of(servicedesk.REQUEST_CLOSED)
        if f.unit_code is not None and f.measure is not None
    ]


MEASURES: dict[str, Callable[[Evidence], list[Contribution]]] = {
    "people_on_record": people_on_record,
    "records_current": records_current,
    "requests_received": lambda e: _counted("requests_received", e.of(servicedesk.REQUEST_OPENED)),
    "accepted_in_time": accepted_in_time,
    "resolved_within_sla": resolved_within_sla,
    "sla_breaches": lambda e: _counted("sla_breaches", e.every(servicedesk.REQUEST_SLA_BREACHED)),
    "sla_breach_rate": sla_breach_rate,
    "satisfaction": satisfaction,
    "suggestions_answered": suggestions_answered,
    "evaluation_coverage": evaluation_coverage,
    "notices_handled": notices_handled,
    "volunteer_activities": lambda e: _counted("volunteer_activities", e.of(servicedesk.ACTIVITY_RECORDED)),
    "people_served": lambda e: _counted("people_served", e.of(servicedesk.ACTIVITY_RECORDED), lambda f: f.measure),
    "donations_yuan": lambda e: _counted("donations_yuan", e.of(servicedesk.DONATION_RECORDED), lambda f: f.measure),
    "study_completions": lambda e: _counted("study_completions", e.of(servicedesk.STUDY_ASSIGNMENT_COMPLETED)),
}
assert set(MEASURES) == set(INDICATORS), "every indicator is measured once"
