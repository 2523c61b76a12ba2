"""The legal bases the catalogue cites, written once, and shorthands for a field's class.

《政务数据共享条例》 names the three classes; the Personal Information Protection Law (个人信息保护法)
says when personal information may be shared at all: Art. 13(1)(3) (a statutory duty) for personal
data, Art. 28-29 for sensitive personal information. A field's basis is the one of its kind.
"""

from __future__ import annotations

from chassis.catalogue.model import FieldClass, SharingClass

#: Work and status data holding no personal information.
WORK_DATA = "《政务数据共享条例》（无条件共享）：不含个人信息的工作数据，供各部门履行职责使用"
#: Personal information: shared for a stated purpose under a statutory duty.
PERSONAL = (
    "《政务数据共享条例》（有条件共享）；《中华人民共和国个人信息保护法》第十三条第一款第（三）项"
    "（为履行法定职责所必需），须说明用途、法律依据与范围"
)
#: Personal information that is, or may hold, sensitive personal information.
SENSITIVE = (
    "《政务数据共享条例》（有条件共享）；《中华人民共和国个人信息保护法》第十三条第一款第（三）项、"
    "第二十八条、第二十九条（敏感个人信息须有特定目的和充分必要性，并采取严格保护措施）"
)
#: Free text staff write for the department's own work: it may hold anything.
FREE_TEXT = "《政务数据共享条例》（不予共享）：工作人员填写的自由文本，可能含个人信息，仅供本部门使用"
#: A category that may name a health matter (e.g. medical).
HEALTH = (
    "《政务数据共享条例》（不予共享）；《中华人民共和国个人信息保护法》第二十八条"
    "（医疗健康信息属敏感个人信息），诉求类别可能指向医疗健康"
)
#: What a partner agency reported: the data is the reporting agency's, used here for evaluation only.
AGENCY_OWNED = (
    "《政务数据共享条例》（不予共享）：合作机关报送的通报，数据归报送机关所有，本部门仅用于评价，不再向其他机关提供"
)

#: Records of the department's own processing of sensitive data: kept for the person's disclosure record.
PROCESSING_RECORD = (
    "《政务数据共享条例》（不予共享）；《中华人民共和国个人信息保护法》第五十五条、第五十六条"
    "（处理敏感个人信息的记录），仅用于本人查询其个人信息的处理情况，不向其他机关提供"
)


def unconditional(name_zh: str, name_en: str, basis: str = WORK_DATA) -> FieldClass:
    return FieldClass(SharingClass.UNCONDITIONAL, name_zh, name_en, basis)


def conditional(name_zh: str, name_en: str, basis: str = PERSONAL) -> FieldClass:
    return FieldClass(SharingClass.CONDITIONAL, name_zh, name_en, basis)


def not_shared(name_zh: str, name_en: str, basis: str) -> FieldClass:
    return FieldClass(SharingClass.NOT_SHARED, name_zh, name_en, basis)
