"""Contracts of ``registry.liaison.v1``: the registry's contacts work (联系人) with representatives.

``follow_up_due`` is the reminder that a planned follow-up of a representative falls due: sent
once per follow-up by the registry worker, on its planned day (China Standard Time), to whoever
reminds the responsible cadre (a notifier, the supervision's overdue measures later). References
only: the follow-up, the person and the cadre by id, the unit and the day; never the person's
name, the cadre's name or the follow-up's note (staff's free text). Keyed by the person id.
"""

from marshmallow import Schema, fields

from chassis.contracts.base import UNIT_CODE, EventContract, register
from chassis.topics import REGISTRY_LIAISON

FOLLOW_UP_DUE = "cn.tongxin.registry.liaison.follow_up_due.v1"


class FollowUpDue(Schema):
    follow_up_id = fields.String(required=True)
    person_id = fields.String(required=True)
    unit_code = fields.String(required=True, validate=UNIT_CODE, metadata={"description": "the person's unit"})
    cadre_subject = fields.String(
        required=True, allow_none=True, metadata={"description": "the responsible cadre's subject (username)"}
    )
    cadre_unit = fields.String(required=True, allow_none=True, validate=UNIT_CODE)
    due_on = fields.Date(required=True, metadata={"description": "the planned day, China Standard Time"})
    reminded_at = fields.DateTime(required=True)


register(
    EventContract(
        FOLLOW_UP_DUE,
        REGISTRY_LIAISON,
        FollowUpDue,
        "A planned follow-up of a representative falls due (references only; sent once per follow-up).",
    )
)
