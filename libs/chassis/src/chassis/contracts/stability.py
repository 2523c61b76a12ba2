"""Contracts of the stability reports (涉稳信息反馈) on ``servicedesk.v1``.

Only a severe report leaves the service desk, and only so that public security's emergency
coordination can act: where (the unit), when, how many people, and a de-identified summary staff
wrote for the police. The report's category never travels: ethnic and religious matters are
sensitive personal information by implication (``chassis.sensitive`` refuses such values in any
event), and a category sent for the other kinds alone would name the sensitive ones by its absence.
Who is involved stays in the service desk too (registry references and a count of others): the
event carries the count only.
"""

from marshmallow import Schema, fields, validate

from chassis.contracts.base import UNIT_CODE as UNIT
from chassis.contracts.base import EventContract, register
from chassis.topics import SERVICEDESK

#: A severe stability report, for public security's feed; nothing is published for other severities.
SEVERE_REPORTED = "cn.tongxin.servicedesk.stability.severe_reported.v1"


class SevereReported(Schema):
    report_id = fields.String(required=True, metadata={"description": "the id public security's notices answer"})
    unit_code = fields.String(required=True, validate=UNIT, metadata={"description": "where it happens"})
    occurred_at = fields.DateTime(required=True)
    reported_at = fields.DateTime(required=True)
    people_involved = fields.Integer(
        required=True, validate=validate.Range(min=0), metadata={"description": "a count; never who"}
    )
    summary = fields.String(
        required=True,
        metadata={
            "sensitive": "values",
            "description": "staff's summary for the police, ID and phone numbers masked; it may name a venue "
            "(a mosque, a church), so an agency receives it only for a purpose of its own",
        },
    )


register(
    EventContract(
        SEVERE_REPORTED,
        SERVICEDESK,
        SevereReported,
        "A severe stability matter (涉稳信息) was reported, for public security's emergency coordination.",
    )
)
