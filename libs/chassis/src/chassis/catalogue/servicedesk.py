"""The catalogue of ``servicedesk.v1``: the handling of requests, suggestions, activities and
donations is work data (unconditional); who asked, rated, volunteered or donated is personal
(conditional). A request's category can name a health matter ("medical") and is not shared. A severe
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
        "report_id": unconditional("涉稳信息编号", "stability report id"),
        "occurred_at": unconditional("发生时间", "occurred at"),
        "people_involved": unconditional("涉及人数", "number of people involved"),
    },
)
