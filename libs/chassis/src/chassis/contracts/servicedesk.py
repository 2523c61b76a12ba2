"""Contracts of ``servicedesk.v1``: service requests, urgent incidents, suggestions,
volunteer activities and donations.

The gateway routes ``incident.urgent`` to public security's emergency coordination
feed (masked name and unit only); evaluation may read activities and donations as
evidence for the social-contribution items. Request events carry no description
text: what a member asked for stays in the service desk.
"""

from marshmallow import Schema, fields, validate

from chassis.contracts import UNIT_CODE as UNIT
from chassis.contracts import EventContract, register
from chassis.topics import SERVICEDESK

PREFIX = "cn.tongxin.servicedesk."


class RequestEvent(Schema):
    request_id = fields.String(required=True)
    person_id = fields.String(required=True)
    unit_code = fields.String(required=True, validate=UNIT, metadata={"description": "the member's unit"})
    handling_unit = fields.String(required=True, validate=UNIT)
    category = fields.String(required=True)
    priority = fields.String(required=True, validate=validate.OneOf(["normal", "high", "urgent"]))
    state = fields.String(required=True)
    previous_state = fields.String(load_default=None, allow_none=True)
    at = fields.DateTime(required=True)
    satisfaction = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=5))


class SlaBreached(Schema):
    request_id = fields.String(required=True)
    unit_code = fields.String(required=True, validate=UNIT)
    clock = fields.String(required=True, validate=validate.OneOf(["response", "resolution"]))
    due_at = fields.DateTime(required=True)
    escalated_from = fields.String(required=True, validate=UNIT)
    escalated_to = fields.String(required=True, validate=UNIT)


class UrgentIncident(Schema):
    request_id = fields.String(required=True)
    person_id = fields.String(required=True)
    name_masked = fields.String(required=True, metadata={"description": "e.g. 王*明"})
    unit_code = fields.String(required=True, validate=UNIT)
    category = fields.String(required=True)
    summary = fields.String(required=True, metadata={"description": "staff's short, de-identified summary"})
    reported_at = fields.DateTime(required=True)


class SuggestionEvent(Schema):
    suggestion_id = fields.String(required=True)
    unit_code = fields.String(required=True, validate=UNIT)
    topic = fields.String(required=True)
    department = fields.String(load_default=None, allow_none=True)
    adopted = fields.Boolean(load_default=None, allow_none=True)
    at = fields.DateTime(required=True)


class ActivityRecorded(Schema):
    activity_id = fields.String(required=True)
    branch = fields.String(load_default=None, allow_none=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    held_on = fields.Date(required=True)
    unit_code = fields.String(required=True, validate=UNIT)
    volunteers = fields.List(fields.Dict(), required=True, metadata={"description": "[{person_id, hours}]"})
    people_served = fields.Integer(required=True)


class DonationRecorded(Schema):
    donation_id = fields.String(required=True)
    project_id = fields.String(required=True)
    programme = fields.String(required=True)
    donor_person_id = fields.String(required=True)
    unit_code = fields.String(required=True, validate=UNIT)
    kind = fields.String(required=True, validate=validate.OneOf(["money", "in_kind"]))
    value_yuan = fields.Decimal(required=True, as_string=True, metadata={"description": "exact yuan, 2 decimals"})
    donated_on = fields.Date(required=True)


for _suffix, _schema, _summary in [
    ("request.opened.v1", RequestEvent, "A member's service request (诉求) was submitted."),
    ("request.status_changed.v1", RequestEvent, "A request moved to another state."),
    ("request.resolved.v1", RequestEvent, "A request was resolved."),
    ("request.closed.v1", RequestEvent, "A request was closed with the member's satisfaction rating."),
    ("request.sla_breached.v1", SlaBreached, "A request missed its response or resolution time; escalated."),
    ("incident.urgent.v1", UrgentIncident, "An urgent safety or stability matter, for emergency coordination."),
    ("suggestion.received.v1", SuggestionEvent, "A suggestion reached the mailbox (建言献策信箱)."),
    ("suggestion.answered.v1", SuggestionEvent, "A suggestion was answered."),
    ("suggestion.adopted.v1", SuggestionEvent, "A suggestion was marked adopted or not adopted."),
    ("activity.recorded.v1", ActivityRecorded, "A volunteer service activity was recorded."),
    ("donation.recorded.v1", DonationRecorded, "A charity donation (money or in kind) was recorded."),
]:
    register(EventContract(PREFIX + _suffix, SERVICEDESK, _schema, _summary))
