"""The supervision alerts (督查预警), each rule defined once, like the indicators: its names, the
condition that raises it, the unit level it is raised at and how it clears.

A rule reads a ``Situation`` (the people view, the facts that can leave work pending, the
current month's evidence and the scheme's targets, at one instant) and names its **causes**:
(rule, unit, subject) with a short detail. The service layer (``service_layer.alerting``)
raises an alert for a cause that has none open and clears an open alert whose cause is gone;
the rules keep no state of their own, so a replayed view names the same causes.

What no event carries cannot be a rule yet: no contact visits or follow-up plans are published
(``indicators.NOT_MEASURABLE``), so "a representative not visited for N months" is written as
"a person's record not updated for N months", from the registry's record versions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from chassis import units
from chassis.contracts import evaluation, gateway, servicedesk
from chassis.contracts import supervision as supervision_events
from supervision.domain import months
from supervision.domain.facts import Fact, Person
from supervision.domain.figures import figures
from supervision.domain.indicators import DECISIONS, INDICATORS
from supervision.domain.measurement import Evidence, resolved_within_sla

#: The fact types a pending-work rule reads, whatever their month.
PENDING = (
    servicedesk.SUGGESTION_RECEIVED, servicedesk.SUGGESTION_ANSWERED, gateway.VIOLATION_NOTICE,
    gateway.VIOLATION_RESCINDED, evaluation.VETO_APPLIED, *DECISIONS,
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Limits:
    """The N of each rule."""

    record_stale_months: int = 6
    notice_days: int = 15
    suggestion_days: int = 30


@dataclasses.dataclass(frozen=True)
class Situation:
    now: dt.datetime
    people: Sequence[Person]
    #: Facts of ``PENDING`` types, of any month.
    pending: Sequence[Fact]
    #: The current month's evidence (for the SLA compliance of the month so far).
    month: Evidence
    #: The scheme's target per level of an indicator (``{"town": 95}`` for resolved_within_sla).
    targets: Mapping[str, Mapping[str, Decimal]]
    limits: Limits = Limits()


@dataclasses.dataclass(frozen=True)
class Cause:
    rule: str
    unit_code: str
    #: The object the alert is about: a month, a person id, a notice (agency/id), a suggestion id.
    subject: str
    #: A short, non-personal qualifier staff read (``诉求按时办结率 82.50%，低于目标 95%``, ``2026-03-01``).
    detail: str

    @property
    def key(self) -> tuple[str, str, str]:
        return self.rule, self.unit_code, self.subject


@dataclasses.dataclass(frozen=True)
class Rule:
    code: str
    name_zh: str
    name_en: str
    condition: str
    #: The level of the unit the alert is raised at.
    level: str
    clears: str
    find: Callable[[Situation], list[Cause]]


def _at(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def _day(value: str) -> str:
    """The day (China Standard Time) of an ISO instant: when a wait began."""
    return _at(value).astimezone(months.CST).date().isoformat()


def _town(code: str) -> str | None:
    level = units.level(code)
    return code if level == "town" else units.parent(code) if level == "village" else None


def _from_the_town_up(code: str) -> str:
    """The town of a community's code, else the code itself: where a notice's alert is raised."""
    return _town(code) or code


def sla_below_target(s: Situation) -> list[Cause]:
    target = s.targets.get("resolved_within_sla", {}).get("town")
    if target is None:
        return []
    found = resolved_within_sla(s.month)
    towns = sorted({t for c in found if (t := _town(c.unit_code)) is not None})
    share = INDICATORS["resolved_within_sla"]
    causes = []
    for town in towns:
        value = figures(found, town)["resolved_within_sla"].value
        if value is not None and value < target:
            said = f"{share.name_zh} {value}{share.measure}，低于目标 {target}{share.measure}"
            causes.append(Cause("sla_below_target", town, s.month.month, said))
    return causes


def record_stale(s: Situation) -> list[Cause]:
    today = s.now.astimezone(months.CST).date()
    since = months.months_before(today, s.limits.record_stale_months).isoformat()
    return [
        Cause("record_stale", p.unit_code, p.person_id, p.updated_on)
        for p in sorted(s.people, key=lambda p: p.person_id)
        if p.active and p.updated_on < since
    ]


def notice_unhandled(s: Situation) -> list[Cause]:
    due = s.now - dt.timedelta(days=s.limits.notice_days)
    by_digest: dict[str, Person] = {}
    for p in sorted(s.people, key=lambda p: (not p.active, p.person_id)):
        if p.id_digest:
            by_digest.setdefault(p.id_digest, p)
    of = {t: [f for f in s.pending if f.event_type == t] for t in PENDING}
    rescinded = {f.subject for f in of[gateway.VIOLATION_RESCINDED]}
    vetoed = {f.subject for f in of[evaluation.VETO_APPLIED]}
    decided = [f for t in DECISIONS for f in of[t]]
    found: dict[str, Cause] = {}
    for notice in sorted(of[gateway.VIOLATION_NOTICE], key=lambda f: f.event_id):
        person = by_digest.get(notice.id_digest or "")
        if person is None or notice.subject in rescinded or notice.subject in vetoed or _at(notice.at) > due:
            continue
        if any(d.person_id == person.person_id and d.at >= notice.at for d in decided):
            continue
        # At the town, not the person's community: a community may hold a handful of people, and
        # its violation notices figure is withheld from those who may not see them (review 22).
        town = _from_the_town_up(person.unit_code)
        found.setdefault(notice.subject, Cause("notice_unhandled", town, notice.subject, _day(notice.at)))
    return list(found.values())


def suggestion_unanswered(s: Situation) -> list[Cause]:
    due = s.now - dt.timedelta(days=s.limits.suggestion_days)
    answered = {f.subject for f in s.pending if f.event_type == servicedesk.SUGGESTION_ANSWERED}
    first: dict[str, Fact] = {}
    received = (f for f in s.pending if f.event_type == servicedesk.SUGGESTION_RECEIVED and f.unit_code)
    for f in sorted(received, key=lambda f: (f.at, f.event_id)):
        first.setdefault(f.subject, f)
    return [
        Cause("suggestion_unanswered", f.unit_code or "", f.subject, _day(f.at))
        for f in sorted(first.values(), key=lambda f: f.subject)
        if f.subject not in answered and _at(f.at) <= due
    ]


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "sla_below_target", "镇街诉求按时办结率低于目标", "A town's SLA compliance below target",
            "requests resolved this month within the SLA (the town and its communities) / requests resolved this"
            " month < the scheme's town target for resolved_within_sla", "town",
            "when the month's share reaches the target, or the month ends (its assessment takes over)",
            sla_below_target,
        ),
        Rule(
            "record_stale", "统战对象信息长期未更新", "A person's record not updated for N months",
            "an active person's newest record version is older than N months (record_stale_months)",
            "the person's unit", "when the record is updated, or the person is archived or moves (raised anew"
            " at the new unit if still stale)", record_stale,
        ),
        Rule(
            "notice_unhandled", "违法违纪通报逾期未处理", "A violation notice unhandled for N days",
            "a notice received N days ago or more (notice_days), not rescinded, with no veto on it and no"
            " decision on the person after it", "the town of the person's unit (a community may hold a handful of"
            " people: the alert must not tell which one has a notice)",
            "when a veto or a decision follows, or the agency rescinds the notice", notice_unhandled,
        ),
        Rule(
            "suggestion_unanswered", "建言献策逾期未答复", "A suggestion unanswered past N days",
            "a suggestion received N days ago or more (suggestion_days) with no answer", "the suggestion's unit",
            "when the suggestion is answered", suggestion_unanswered,
        ),
    )
}  # fmt: skip

assert set(RULES) == set(supervision_events.RULE_CODES), "the contract names every rule, and only those"

#: What the issue asks an alert for that no event carries yet.
NOT_WRITABLE = {
    "no_contact": (
        "代表人士 N 个月无联系走访：无联系走访事件 / no event carries contact visits (record_stale stands in)"
    ),
    "follow_up_overdue": "回访逾期：无回访计划事件 / no event carries a follow-up plan or its due date",
}


def causes(s: Situation) -> list[Cause]:
    """Every rule's causes at ``s.now``, in a stable order, one per key."""
    found = {c.key: c for rule in RULES.values() for c in rule.find(s)}
    return [found[k] for k in sorted(found)]
