"""Contracts of ``supervision.v1``: supervision alerts (督查预警) raised and cleared.

An alert names its rule (``supervision.domain.alerts.RULES``), the unit it is raised at and
the object it is about. A cause (rule, unit, object) has one alert id: raised, cleared, and raised
again with the same id if the cause comes back (each raise followed by one clear). The object is
left out for a violation notice: a notice's id belongs to the reporting agency and is not
shared on, so that alert says only that a notice of the unit is overdue.
"""

from marshmallow import Schema, fields, validate

from chassis.contracts.base import UNIT_CODE as UNIT
from chassis.contracts.base import EventContract, register
from chassis.topics import SUPERVISION

PREFIX = "cn.tongxin.supervision."
ALERT_RAISED = PREFIX + "alert.raised.v1"
ALERT_CLEARED = PREFIX + "alert.cleared.v1"
RULE_CODES = ("sla_below_target", "record_stale", "notice_unhandled", "suggestion_unanswered")


class AlertEvent(Schema):
    alert_id = fields.String(required=True)
    rule = fields.String(required=True, validate=validate.OneOf(RULE_CODES))
    unit_code = fields.String(required=True, validate=UNIT)
    subject = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "the month (YYYY-MM), the person id or the suggestion id; none for a notice"},
    )
    detail = fields.String(
        required=True,
        metadata={"description": "e.g. '诉求按时办结率 82.50%，低于目标 95%', or the day the wait began"},
    )
    raised_at = fields.DateTime(required=True)
    cleared_at = fields.DateTime(load_default=None, allow_none=True)


register(EventContract(ALERT_RAISED, SUPERVISION, AlertEvent, "A supervision alert was raised."))
register(EventContract(ALERT_CLEARED, SUPERVISION, AlertEvent, "A supervision alert cleared: its cause went away."))
