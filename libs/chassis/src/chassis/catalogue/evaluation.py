"""The catalogue of ``evaluation.v1``: evaluation rounds (work data, unconditional) and each
person's outcomes (scores, ranks, decisions, vetoes: personal, conditional)."""

from __future__ import annotations

from chassis.catalogue.bases import conditional, unconditional
from chassis.catalogue.model import Owner, TopicDeclaration
from chassis.contracts import evaluation as events
from chassis.topics import EVALUATION

DECLARATION = TopicDeclaration(
    topic=EVALUATION,
    owner=Owner("evaluation", "统战部 三评体系", "United Front Work Department, three-source evaluation"),
    event_names_zh={
        events.REPRESENTATIVE_RETAINED: "代表人士评价后保留",
        events.REPRESENTATIVE_WARNED: "代表人士约谈或警示谈话",
        events.QUALIFICATION_REVOKED: "代表人士取消推荐或推荐资格",
        events.ROUND_OPENED: "评价轮次开启",
        events.ROUND_CLOSED: "评价轮次截止",
        events.ROUND_PUBLISHED: "评价结果公布",
        events.PERSON_SCORED: "人员综合评分",
        events.VETO_APPLIED: "一票否决",
        events.VETO_LIFTED: "撤销一票否决",
    },
    fields={
        "person_id": conditional("人员编号", "person id"),
        "unit_code": unconditional("所属单位代码", "admin unit code"),
        "body": unconditional("涉及机构", "body concerned"),
        "decision": conditional("评价决定", "decision"),
        "reason": conditional("决定理由", "reason"),
        "round_id": unconditional("评价轮次编号", "round id"),
        "meeting_id": unconditional("联席评价会议编号", "joint evaluation meeting id"),
        "decided_at": unconditional("决定时间", "decided at"),
        "decision_id": unconditional("评价决定编号", "decision id"),
        "ineligible_until": conditional("资格恢复日期", "eligible again on"),
        "name": unconditional("轮次名称", "round name"),
        "scope_unit": unconditional("评价范围单位代码", "unit the round covers"),
        "state": unconditional("轮次状态", "round state"),
        "cohort_size": unconditional("参评人数", "cohort size"),
        "starts_on": unconditional("开始日期", "starts on"),
        "ends_on": unconditional("结束日期", "ends on"),
        "composite": conditional("综合得分", "composite score"),
        "official": conditional("官评得分", "official evaluation score"),
        "self": conditional("自评得分", "self-evaluation score"),
        "public": conditional("民评得分", "public evaluation score"),
        "rank": conditional("排名", "rank"),
        "status": conditional("评价结果状态", "outcome status"),
        "violation_id": conditional("违法违纪记录编号", "violation id"),
        "notice_id": conditional("通报编号", "notice id"),
        "agency": conditional("通报机关", "reporting agency"),
    },
)
