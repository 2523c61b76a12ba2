"""The catalogue of ``supervision.v1``: an alert is work data about a unit's work; its object
is personal when it is a person (a record not updated), so it is shared only on conditions."""

from __future__ import annotations

from chassis.catalogue.bases import conditional, unconditional
from chassis.catalogue.model import Owner, TopicDeclaration
from chassis.contracts import supervision as events
from chassis.topics import SUPERVISION

DECLARATION = TopicDeclaration(
    topic=SUPERVISION,
    owner=Owner("supervision", "统战部 网络督查", "United Front Work Department, supervision"),
    event_names_zh={events.ALERT_RAISED: "督查预警发出", events.ALERT_CLEARED: "督查预警解除"},
    fields={
        "alert_id": unconditional("预警编号", "alert id"),
        "rule": unconditional("预警规则", "alert rule"),
        "unit_code": unconditional("所属单位代码", "admin unit code"),
        "subject": conditional(
            "预警对象（月份、人员编号或建议编号）", "alert object (month, person id or suggestion id)"
        ),
        "detail": unconditional("预警说明", "alert detail"),
        "raised_at": unconditional("预警时间", "raised at"),
        "cleared_at": unconditional("解除时间", "cleared at"),
    },
)
