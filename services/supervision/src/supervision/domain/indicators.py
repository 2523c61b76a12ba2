"""The supervision indicators (督查指标), each defined once: its names, formula, unit of measure
and the event types it reads. ``domain.measurement`` computes them from facts; the scheme
(``domain.scheme``) weighs them; the API serves these definitions as they are.

Three kinds: a **count** adds up its contributions (activities, people served), a **share**
is the percentage of its contributions that met the rule (resolved in time, answered), or for
a lower-is-better share the percentage that missed it (the breach rate), a **mean** averages
them (satisfaction 1-5). How a figure earns points (its target, its worst value) is the
scheme's, versioned with it, not the indicator's. Every figure of a unit covers its whole subtree:
a town's figure counts its own events and its communities'.
"""

from __future__ import annotations

import dataclasses

from chassis.contracts import evaluation, gateway, registry, servicedesk

COUNT, SHARE, MEAN = "count", "share", "mean"
HIGHER, LOWER = "higher", "lower"


@dataclasses.dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    formula: str
    #: The unit of measure, as staff read it: 人, %, 件, 次, 分, 元.
    measure: str
    kind: str
    reads: tuple[str, ...]
    better: str = HIGHER


_PEOPLE = (registry.PERSON_REGISTERED, registry.PERSON_UPDATED, registry.PERSON_MOVED)
_DECISIONS = (
    evaluation.REPRESENTATIVE_RETAINED,
    evaluation.REPRESENTATIVE_WARNED,
    evaluation.QUALIFICATION_REVOKED,
)

INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in (
        Indicator(
            "people_on_record", "在册统战对象", "People on record",
            "active people of the unit in the registry's newest snapshots", "人", COUNT, _PEOPLE,
        ),
        Indicator(
            "records_current", "信息动态更新率", "Records kept current",
            "active people whose newest record version is dated no earlier than N months before the month's end"
            " / active people", "%", SHARE, _PEOPLE,
        ),
        Indicator(
            "requests_received", "收到诉求数", "Requests received",
            "requests submitted in the month, by handling unit", "件", COUNT, (servicedesk.REQUEST_OPENED,),
        ),
        Indicator(
            "accepted_in_time", "诉求按时受理率", "Requests accepted in time",
            "requests accepted in the month that never missed their response time / requests accepted in the month",
            "%", SHARE, (servicedesk.REQUEST_STATUS_CHANGED, servicedesk.REQUEST_SLA_BREACHED),
        ),
        Indicator(
            "resolved_within_sla", "诉求按时办结率", "Requests resolved within the SLA",
            "requests resolved in the month that never missed their resolution time / those and the resolution"
            " times missed in the month, resolved or not (each by the unit that missed it)", "%", SHARE,
            (servicedesk.REQUEST_RESOLVED, servicedesk.REQUEST_SLA_BREACHED),
        ),
        Indicator(
            "sla_breaches", "超时升级次数", "Breaches and escalations",
            "response or resolution times missed in the month (each escalated), by the unit that missed",
            "次", COUNT, (servicedesk.REQUEST_SLA_BREACHED,), better=LOWER,
        ),
        Indicator(
            "sla_breach_rate", "诉求超时率", "Time limits missed",
            "response and resolution times missed in the month (each by the unit that missed) / those and the"
            " times kept by requests first accepted or resolved in the month", "%", SHARE,
            (servicedesk.REQUEST_STATUS_CHANGED, servicedesk.REQUEST_RESOLVED, servicedesk.REQUEST_SLA_BREACHED),
            better=LOWER,
        ),
        Indicator(
            "satisfaction", "诉求回访满意度", "Satisfaction with requests",
            "mean of the members' ratings (1-5) of requests closed in the month", "分", MEAN,
            (servicedesk.REQUEST_CLOSED,),
        ),
        Indicator(
            "suggestions_answered", "建言献策答复率", "Suggestions answered",
            "suggestions received in the month that have been answered / suggestions received in the month",
            "%", SHARE, (servicedesk.SUGGESTION_RECEIVED, servicedesk.SUGGESTION_ANSWERED),
        ),
        Indicator(
            "evaluation_coverage", "三评覆盖率", "Evaluation coverage",
            "people scored in the month with official, self and public scores all present / people scored",
            "%", SHARE, (evaluation.PERSON_SCORED,),
        ),
        Indicator(
            "notices_handled", "违法违纪通报处理率", "Violation notices handled",
            "notices received in the month, not rescinded, that led to a veto or to a decision on the person"
            " after the notice / such notices received (placed by the person's unit)", "%", SHARE,
            (gateway.VIOLATION_NOTICE, gateway.VIOLATION_RESCINDED, evaluation.VETO_APPLIED, *_DECISIONS),
        ),
        Indicator(
            "volunteer_activities", "志愿服务活动", "Volunteer activities",
            "volunteer service activities held in the month", "次", COUNT, (servicedesk.ACTIVITY_RECORDED,),
        ),
        Indicator(
            "people_served", "服务群众人次", "People served",
            "people served by the activities held in the month", "人次", COUNT, (servicedesk.ACTIVITY_RECORDED,),
        ),
        Indicator(
            "donations_yuan", "光彩捐赠金额", "Donations",
            "money and in-kind donations recorded in the month, in yuan", "元", COUNT,
            (servicedesk.DONATION_RECORDED,),
        ),
        Indicator(
            "study_completions", "学习任务完成", "Study assignments completed",
            "members' study assignments completed in the month (studied, and the quiz passed if it has one),"
            " by the unit the member was assigned at", "人次", COUNT, (servicedesk.STUDY_ASSIGNMENT_COMPLETED,),
        ),
    )
}  # fmt: skip

DECISIONS = _DECISIONS

#: What the issue asks for that no event on the four topics carries yet (for the lead and the scheme).
NOT_MEASURABLE = {
    "contact_visits": "联系走访：登记库不发布联系记录事件 / the registry publishes no contact-visit events",
    "follow_ups_overdue": "回访逾期：无回访计划事件 / no event carries a follow-up plan or its due date",
    "publicity": (
        "宣传活动：无宣传事件；学习任务完成数已统计（study_completions），现行考核方案尚未计分 / no service publishes"
        " publicity events; study completions are counted (study_completions) but no shipped scheme weighs them"
    ),
    "matchmaking_outcomes": "对接成效：无银企、科技对接事件 / no event records matchmaking outcomes",
    "registrations_in_month": (
        "当月新登记：registry.person.v1 为压缩主题，只保留每人最新快照，无法按月重建登记数 / the people topic "
        "is compacted to each person's newest snapshot, so registrations per month cannot be rebuilt on replay"
    ),
}
