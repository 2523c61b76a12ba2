"""The catalogue of ``registry.person.v1``: what the registry's person events carry, field by field;
and of ``registry.processing.v1``, the registry's records of processing sensitive data, which stay
in the department (the gateway keeps them for each person's disclosure record, and shares none).

The registry's snapshot is personal information throughout: every field naming or describing a
person is conditional; only the unit and the record's status (no person in them) are unconditional.
Reasons are staff's free text and stay in the department.
"""

from __future__ import annotations

from chassis.catalogue.bases import FREE_TEXT, PROCESSING_RECORD, SENSITIVE, conditional, not_shared, unconditional
from chassis.catalogue.model import Owner, TopicDeclaration
from chassis.contracts import processing
from chassis.contracts import registry as events
from chassis.topics import REGISTRY_PERSON, REGISTRY_PROCESSING

REGISTRY = Owner("registry", "统战部 统战对象信息库", "United Front Work Department, registry of work objects")

DECLARATION = TopicDeclaration(
    topic=REGISTRY_PERSON,
    owner=REGISTRY,
    event_names_zh={
        events.PERSON_REGISTERED: "人员登记",
        events.PERSON_UPDATED: "人员信息变更",
        events.PERSON_MOVED: "人员迁移",
        events.CATEGORY_JOINED: "人员纳入基础信息库",
        events.CATEGORY_LEFT: "人员退出基础信息库",
        events.REPRESENTATIVE_CHANGED: "代表人士身份变更",
        events.PERSON_ARCHIVED: "人员档案归档",
        events.PERSON_RESTORED: "人员档案恢复",
        events.PERSON_MERGED: "重复人员合并",
    },
    fields={
        "person_id": conditional("人员编号", "person id"),
        "version": conditional("记录版本", "record version"),
        "name": conditional("姓名", "name"),
        "gender": conditional("性别", "gender"),
        "birth_year": conditional("出生年份", "year of birth"),
        "unit_code": unconditional("所属单位代码", "admin unit code"),
        "id_digest": conditional("身份证号码摘要", "keyed digest of the ID number", SENSITIVE),
        "status": unconditional("记录状态", "record status"),
        "categories": conditional("所属基础信息库", "base databases", SENSITIVE),
        "representative_roles": conditional("代表人士身份", "representative roles"),
        "employer": conditional("工作单位", "employer", SENSITIVE),
        "position": conditional("职务", "position", SENSITIVE),
        "changed_fields": conditional("变更字段", "changed fields"),
        "from_unit_code": unconditional("迁出单位代码", "unit moved from"),
        "category": conditional("基础信息库", "base database", SENSITIVE),
        "effective_date": conditional("生效日期", "effective date"),
        "reason": not_shared("原因说明", "reason", FREE_TEXT),
        "previous_roles": conditional("原代表人士身份", "previous representative roles"),
        "merged_person_id": conditional("被合并人员编号", "merged person id"),
    },
)

PROCESSING = TopicDeclaration(
    topic=REGISTRY_PROCESSING,
    owner=REGISTRY,
    event_names_zh={processing.SENSITIVE_PROCESSED: "敏感个人信息处理记录"},
    fields={
        f: not_shared(zh, en, PROCESSING_RECORD)
        for f, zh, en in [
            ("person_id", "人员编号", "person id"),
            ("processed_fields", "处理的字段", "fields processed"),
            ("channel", "处理方式", "channel"),
            ("purpose", "处理目的", "purpose"),
            ("actor", "处理人", "member of staff"),
            ("actor_unit", "处理人单位", "unit of the member of staff"),
            ("at", "处理时间", "time"),
        ]
    },
)
