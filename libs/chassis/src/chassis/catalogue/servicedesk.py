"""The catalogue of ``servicedesk.v1``: the handling of requests, suggestions, activities,
donations, offers, matchmaking outcomes and study assignments is work data (unconditional); who
asked, rated, volunteered, donated or offered, which enterprise was helped (a sole trader's
business bears a name), and when a member completed a study assignment with what score, is
personal (conditional). A request's category can name a health matter ("medical") and is not shared. A severe
stability report shares where, when, how many and a de-identified summary; its category never
leaves the service desk (``chassis.contracts.stability``)."""

from __future__ import annotations

from chassis.catalogue.bases import HEALTH, conditional, not_shared, unconditional
from chassis.catalogue.model import Owner, TopicDeclaration
from chassis.contracts import servicedesk as events
from chassis.contracts import stability
from chassis.topics import SERVICEDESK

DECLARATION = TopicDeclaration(
    topic=SERVICEDESK,
    owner=Owner("servicedesk", "统战部 活力统战服务台", "United Front Work Department, service desk"),
    event_names_zh={
        events.REQUEST_OPENED: "诉求提交",
        events.REQUEST_STATUS_CHANGED: "诉求状态变更",
        events.REQUEST_RESOLVED: "诉求办结",
        events.REQUEST_CLOSED: "诉求关闭及满意度评价",
        events.REQUEST_SLA_BREACHED: "诉求超时督办",
        events.URGENT_INCIDENT: "紧急事项",
        events.SUGGESTION_RECEIVED: "建言献策收件",
        events.SUGGESTION_ANSWERED: "建言献策答复",
        events.SUGGESTION_ADOPTED: "建言献策采纳",
        events.ACTIVITY_RECORDED: "志愿服务活动",
        events.DONATION_RECORDED: "公益捐赠",
        events.OFFER_PUBLISHED: "成员资源发布",
        events.OFFER_WITHDRAWN: "成员资源撤回",
        events.OUTCOME_RECORDED: "对接成果登记",
        events.OUTCOME_CHANGED: "对接成果进展变更",
        events.STUDY_ASSIGNMENT_PUBLISHED: "学习任务发布",
        events.STUDY_ASSIGNMENT_COMPLETED: "学习任务完成",
        stability.SEVERE_REPORTED: "重大涉稳信息报送",
    },
    fields={
        "request_id": unconditional("诉求编号", "request id"),
        "person_id": conditional("人员编号", "person id"),
        "unit_code": unconditional("所属单位代码", "admin unit code"),
        "handling_unit": unconditional("承办单位代码", "handling unit"),
        "category": not_shared("诉求类别", "request category", HEALTH),
        "priority": unconditional("优先级", "priority"),
        "state": unconditional("办理状态", "state"),
        "previous_state": unconditional("原办理状态", "previous state"),
        "at": unconditional("发生时间", "time"),
        "satisfaction": conditional("满意度评价", "satisfaction rating"),
        "clock": unconditional("超时时限类型", "clock that ran out"),
        "due_at": unconditional("办理时限", "due at"),
        "escalated_from": unconditional("督办前单位代码", "escalated from"),
        "escalated_to": unconditional("督办单位代码", "escalated to"),
        "name_masked": conditional("姓名（脱敏）", "masked name"),
        "summary": conditional("事项摘要（已去标识）", "de-identified summary"),
        "reported_at": unconditional("报告时间", "reported at"),
        "suggestion_id": unconditional("建议编号", "suggestion id"),
        "topic": conditional("建议主题", "suggestion topic"),
        "department": unconditional("承办部门", "department"),
        "adopted": unconditional("是否采纳", "adopted"),
        "activity_id": unconditional("活动编号", "activity id"),
        "branch": unconditional("服务分队", "corps branch"),
        "kind": unconditional("类型", "kind"),
        "title": unconditional("活动名称", "activity title"),
        "held_on": unconditional("活动日期", "held on"),
        "volunteers": conditional("志愿者及服务时长", "volunteers and their hours"),
        "people_served": unconditional("服务人数", "people served"),
        "donation_id": unconditional("捐赠编号", "donation id"),
        "project_id": unconditional("帮扶项目编号", "assistance project id"),
        "programme": unconditional("公益项目", "charity programme"),
        "donor_person_id": conditional("捐赠人编号", "donor's person id"),
        "value_yuan": conditional("捐赠金额（元）", "value in yuan"),
        "donated_on": unconditional("捐赠日期", "donated on"),
        "offer_id": unconditional("资源编号", "offer id"),
        "field": unconditional("专长领域", "field of expertise"),
        "visibility": unconditional("共享范围", "shared with"),
        "withdrawn_by": unconditional("撤回方", "withdrawn by"),
        "outcome_id": unconditional("对接成果编号", "outcome id"),
        "matchmaking_id": unconditional("对接活动编号", "matchmaking event id"),
        "matchmaking_kind": unconditional("对接类型", "matchmaking kind"),
        "enterprise": conditional("受助企业名称", "enterprise helped"),
        "amount_fen": unconditional("签约或贷款金额（分）", "amount in fen"),
        "people_placed": unconditional("引进或安置人数", "people placed"),
        "agreed_on": unconditional("达成日期", "agreed on"),
        "assignment_id": unconditional("学习任务编号", "study assignment id"),
        "due_on": unconditional("完成期限", "due on"),
        "members_assigned": unconditional("应学人数", "members assigned"),
        "material_count": unconditional("学习材料数", "number of materials"),
        "published_at": unconditional("发布时间", "published at"),
        "completed_at": conditional("完成时间", "completed at"),
        "on_time": conditional("是否按期完成", "completed on time"),
        "score": conditional("测试成绩", "quiz score"),
        "report_id": unconditional("涉稳信息编号", "stability report id"),
        "occurred_at": unconditional("发生时间", "occurred at"),
        "people_involved": unconditional("涉及人数", "number of people involved"),
    },
)
