"""Contracts of ``servicedesk.v1``: service requests, urgent incidents, suggestions,
volunteer activities, donations, members' resource offers, matchmaking outcomes, and policy
and theory study (学习任务: an assignment published to a unit's members, a member completing
it), which the supervision counts by unit and month.

The gateway routes ``incident.urgent`` to public security's emergency coordination
feed (masked name and unit only); evaluation may read activities and donations as
evidence for the social-contribution items. Request events carry no description
text: what a member asked for stays in the service desk.
"""

from marshmallow import Schema, fields, validate

from chassis.contracts.base import UNIT_CODE as UNIT
from chassis.contracts.base import EventContract, register
from chassis.topics import SERVICEDESK

PREFIX = "cn.tongxin.servicedesk."
#: The event types of ``servicedesk.v1``, defined once: producers and consumers import these names.
REQUEST_OPENED = PREFIX + "request.opened.v1"
REQUEST_STATUS_CHANGED = PREFIX + "request.status_changed.v1"
REQUEST_RESOLVED = PREFIX + "request.resolved.v1"
REQUEST_CLOSED = PREFIX + "request.closed.v1"
REQUEST_SLA_BREACHED = PREFIX + "request.sla_breached.v1"
URGENT_INCIDENT = PREFIX + "incident.urgent.v1"
SUGGESTION_RECEIVED = PREFIX + "suggestion.received.v1"
SUGGESTION_ANSWERED = PREFIX + "suggestion.answered.v1"
SUGGESTION_ADOPTED = PREFIX + "suggestion.adopted.v1"
ACTIVITY_RECORDED = PREFIX + "activity.recorded.v1"
DONATION_RECORDED = PREFIX + "donation.recorded.v1"
OFFER_PUBLISHED = PREFIX + "offer.published.v1"
OFFER_WITHDRAWN = PREFIX + "offer.withdrawn.v1"
OUTCOME_RECORDED = PREFIX + "matchmaking.outcome_recorded.v1"
OUTCOME_CHANGED = PREFIX + "matchmaking.outcome_changed.v1"
STUDY_ASSIGNMENT_PUBLISHED = PREFIX + "study_assignment.published.v1"
STUDY_ASSIGNMENT_COMPLETED = PREFIX + "study_assignment.completed.v1"


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


class StudyAssignmentPublished(Schema):
    assignment_id = fields.String(required=True)
    unit_code = fields.String(required=True, validate=UNIT, metadata={"description": "assigned to its subtree"})
    due_on = fields.Date(required=True)
    members_assigned = fields.Integer(required=True, validate=validate.Range(min=0))
    material_count = fields.Integer(required=True, validate=validate.Range(min=1))
    published_at = fields.DateTime(required=True)


class StudyAssignmentCompleted(Schema):
    assignment_id = fields.String(required=True)
    person_id = fields.String(required=True)
    unit_code = fields.String(required=True, validate=UNIT, metadata={"description": "the member's unit"})
    completed_at = fields.DateTime(required=True)
    on_time = fields.Boolean(required=True, metadata={"description": "completed by the due date (China time)"})
    score = fields.Integer(
        required=True, allow_none=True, validate=validate.Range(min=0, max=100),
        metadata={"description": "the passing quiz score (0-100); null for an assignment without a quiz"},
    )  # fmt: skip


for _type, _schema, _summary in [
    (REQUEST_OPENED, RequestEvent, "A member's service request (诉求) was submitted."),
    (REQUEST_STATUS_CHANGED, RequestEvent, "A request moved to another state."),
    (REQUEST_RESOLVED, RequestEvent, "A request was resolved."),
    (REQUEST_CLOSED, RequestEvent, "A request was closed with the member's satisfaction rating."),
    (REQUEST_SLA_BREACHED, SlaBreached, "A request missed its response or resolution time; escalated."),
    (URGENT_INCIDENT, UrgentIncident, "An urgent safety or stability matter, for emergency coordination."),
    (SUGGESTION_RECEIVED, SuggestionEvent, "A suggestion reached the mailbox (建言献策信箱)."),
    (SUGGESTION_ANSWERED, SuggestionEvent, "A suggestion was answered."),
    (SUGGESTION_ADOPTED, SuggestionEvent, "A suggestion was marked adopted or not adopted."),
    (ACTIVITY_RECORDED, ActivityRecorded, "A volunteer service activity was recorded."),
    (DONATION_RECORDED, DonationRecorded, "A charity donation (money or in kind) was recorded."),
    (STUDY_ASSIGNMENT_PUBLISHED, StudyAssignmentPublished, "Study materials were assigned to a unit's members."),
    (STUDY_ASSIGNMENT_COMPLETED, StudyAssignmentCompleted, "A member studied an assignment and passed its quiz."),
]:
    register(EventContract(_type, SERVICEDESK, _schema, _summary))


class OfferEvent(Schema):
    """A member's offer (成员资源共享) by person id only: no name, no description text."""

    offer_id = fields.String(required=True)
    person_id = fields.String(required=True)
    unit_code = fields.String(required=True, validate=UNIT, metadata={"description": "the member's unit"})
    field = fields.String(required=True, metadata={"description": "the field of expertise, e.g. financing"})
    kind = fields.String(required=True, metadata={"description": "expertise, resources, funds, venue or jobs"})
    visibility = fields.String(required=True, validate=validate.OneOf(["unit", "town", "county"]))
    withdrawn_by = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["member", "staff"]))
    at = fields.DateTime(required=True)


class OutcomeEvent(Schema):
    """A matchmaking outcome (引资引智, 银企对接, 科技对接) and its follow-up state; money in integer fen."""

    outcome_id = fields.String(required=True)
    matchmaking_id = fields.String(required=True)
    matchmaking_kind = fields.String(
        required=True, validate=validate.OneOf(["investment_talent", "bank_enterprise", "technology"])
    )
    unit_code = fields.String(required=True, validate=UNIT, metadata={"description": "the organising unit"})
    kind = fields.String(required=True, validate=validate.OneOf(["project_signed", "loan_granted", "people_placed"]))
    enterprise = fields.String(required=True, metadata={"description": "the enterprise helped"})
    amount_fen = fields.Integer(load_default=None, allow_none=True, metadata={"description": "exact, in fen"})
    people_placed = fields.Integer(load_default=None, allow_none=True)
    agreed_on = fields.Date(required=True)
    state = fields.String(
        required=True, validate=validate.OneOf(["agreed", "in_progress", "completed", "fallen_through"])
    )
    previous_state = fields.String(load_default=None, allow_none=True)
    at = fields.DateTime(required=True)


for _type, _schema, _summary in [
    (OFFER_PUBLISHED, OfferEvent, "A member's offer of expertise or resources was published to the directory."),
    (OFFER_WITHDRAWN, OfferEvent, "A member's offer was withdrawn (by the member or by staff)."),
    (OUTCOME_RECORDED, OutcomeEvent, "A matchmaking event's outcome was recorded."),
    (OUTCOME_CHANGED, OutcomeEvent, "A matchmaking outcome's follow-up state changed."),
]:
    register(EventContract(_type, SERVICEDESK, _schema, _summary))
