"""The community API's request and response schemas: mailbox, corps, charity and statistics."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from chassis.contracts import FullMatch
from servicedesk.entrypoints.api.common import UNIT
from servicedesk.service_layer import charity, corps


class Page(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000))


class SuggestionIn(Schema):
    # No person_id: nobody who has no account can speak in a member's name.
    unit_code = fields.String(required=True, validate=UNIT, metadata={"description": "the sender's area"})
    topic = fields.String(required=True, validate=validate.Length(min=2, max=200))
    content = fields.String(required=True, validate=validate.Length(min=5, max=10000))


class ReceiptOut(Schema):
    id = fields.String()
    receipt_code = fields.String(metadata={"description": "shown once: the sender follows the suggestion with it"})
    state = fields.String()


class TrackOut(Schema):
    topic = fields.String()
    state = fields.String()
    department = fields.String(allow_none=True)
    answer = fields.String(allow_none=True)
    adopted = fields.Boolean(allow_none=True)
    received_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)


class SuggestionOut(TrackOut):
    id = fields.String()
    person_id = fields.String(allow_none=True)
    unit_code = fields.String()
    content = fields.String()


class SuggestionQuery(Page):
    state = fields.String(validate=validate.OneOf(["received", "forwarded", "answered"]))


class SuggestionPage(Schema):
    items = fields.List(fields.Nested(SuggestionOut))
    total = fields.Integer()


class SuggestionActIn(Schema):
    department = fields.String(validate=validate.Length(min=1, max=100))
    answer = fields.String(validate=validate.Length(min=2, max=10000))
    adopted = fields.Boolean()


class BranchIn(Schema):
    code = fields.String(required=True, validate=FullMatch(r"^[a-z0-9_]{2,40}$"))
    name = fields.String(required=True, validate=validate.Length(min=2, max=100))
    specialty = fields.String(required=True, validate=validate.Length(min=2, max=100))
    unit_code = fields.String(required=True, validate=UNIT)


class BranchOut(BranchIn):
    volunteers = fields.Integer(dump_only=True)


class VolunteerIn(Schema):
    person_id = fields.String(required=True)
    branch_code = fields.String(required=True)
    expertise = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    joined_on = fields.Date(load_default=None, allow_none=True)


class VolunteerOut(VolunteerIn):
    name = fields.String()
    unit_code = fields.String()
    active = fields.Boolean()


class HoursIn(Schema):
    person_id = fields.String(required=True)
    hours = fields.Decimal(required=True, validate=validate.Range(min=0, min_inclusive=False, max=24), as_string=True)


class ActivityIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(corps.ACTIVITY_KINDS)))
    title = fields.String(required=True, validate=validate.Length(min=2, max=200))
    held_on = fields.Date(required=True)
    unit_code = fields.String(required=True, validate=UNIT)
    branch_code = fields.String(load_default=None, allow_none=True)
    people_served = fields.Integer(required=True, validate=validate.Range(min=0, max=1_000_000))
    volunteers = fields.List(fields.Nested(HoursIn), required=True, validate=validate.Length(min=1, max=500))


class ActivitySummary(Schema):
    id = fields.String()
    kind = fields.String()
    title = fields.String()
    held_on = fields.Date()
    unit_code = fields.String()
    branch_code = fields.String(allow_none=True)
    people_served = fields.Integer()
    total_hours = fields.Decimal(as_string=True)


class ActivityOut(ActivitySummary):
    volunteers = fields.List(fields.Dict())


class ActivityQuery(Page):
    start = fields.Date(data_key="from", load_default=None)
    end = fields.Date(data_key="to", load_default=None)


class ActivityPage(Schema):
    items = fields.List(fields.Nested(ActivitySummary))
    total = fields.Integer()


class ProjectIn(Schema):
    programme = fields.String(required=True, validate=validate.OneOf(list(charity.PROGRAMMES)))
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    unit_code = fields.String(required=True, validate=UNIT)
    started_on = fields.Date(required=True)
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class ProjectOut(Schema):
    id = fields.String()
    programme = fields.String()
    name = fields.String()
    unit_code = fields.String()
    started_on = fields.Date()
    description = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "ongoing or completed"})
    completed_on = fields.Date(allow_none=True)
    donations = fields.Integer()
    enterprises = fields.Integer()
    total_yuan = fields.Decimal(as_string=True)
    beneficiaries = fields.Dict()


class CompletionIn(Schema):
    completed_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "default: today"})


class DonationIn(Schema):
    donor_person_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["money", "in_kind"]))
    value_yuan = fields.Decimal(
        required=True, metadata={"description": 'exact yuan (send as a string, e.g. "50000.00")'}
    )
    goods = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    donated_on = fields.Date(required=True)


class DonationOut(Schema):
    id = fields.String()
    project_id = fields.String()
    donor_person_id = fields.String()
    kind = fields.String()
    value_yuan = fields.Decimal(as_string=True)
    goods = fields.String(allow_none=True)
    donated_on = fields.Date()


class BeneficiaryIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(charity.BENEFICIARY_KINDS)))
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=1_000_000))
    recorded_on = fields.Date(load_default=None)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class BeneficiaryOut(BeneficiaryIn):
    id = fields.String()
    project_id = fields.String()


class StatisticsQuery(Schema):
    start = fields.Date(data_key="from", required=True)
    end = fields.Date(data_key="to", required=True)
    unit = fields.String(load_default=None, validate=UNIT)
