"""The catalogue of ``registry.liaison.v1``: reminders of representatives' follow-ups. A reminder
is work data about a person and the cadre responsible for them: the references to either are
personal and shared only on conditions; the units and the time it was sent are work data."""

from __future__ import annotations

from chassis.catalogue.bases import conditional, unconditional
from chassis.catalogue.model import TopicDeclaration
from chassis.catalogue.registry import REGISTRY
from chassis.contracts import liaison as events
from chassis.topics import REGISTRY_LIAISON

DECLARATION = TopicDeclaration(
    topic=REGISTRY_LIAISON,
    owner=REGISTRY,
    event_names_zh={events.FOLLOW_UP_DUE: "代表人士回访到期提醒"},
    fields={
        "follow_up_id": conditional("回访计划编号", "follow-up id"),
        "person_id": conditional("人员编号", "person id"),
        "unit_code": unconditional("所属单位代码", "admin unit code"),
        "cadre_subject": conditional("联系人（工作人员账号）", "responsible cadre (staff account)"),
        "cadre_unit": unconditional("联系人单位代码", "responsible cadre's unit code"),
        "due_on": conditional("计划回访日期", "planned follow-up day"),
        "reminded_at": unconditional("提醒时间", "reminded at"),
    },
)
