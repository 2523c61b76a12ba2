"""Contracts of ``registry.processing.v1``: the registry's processing of a person's sensitive data
inside the department (PIPL Art. 55-56), for the person's disclosure record the gateway keeps.

Each event is one audit row of the registry (``sensitive_disclosures``), emitted in the same
transaction: a member of staff revealed sensitive fields of one person in the API, or exported
them in a spreadsheet. It says whose data (person id), which fields (names), who (the staff
user's subject id and unit), through which channel, for what stated purpose and when; never a
value of any field. Keyed by the person id, like every person's event.
"""

from marshmallow import Schema, fields, validate

from chassis.contracts.base import UNIT_CODE, EventContract, register
from chassis.topics import REGISTRY_PROCESSING

SENSITIVE_PROCESSED = "cn.tongxin.registry.processing.sensitive_processed.v1"
#: How the registry processed the data: shown in the API (a reveal) or written into an export.
CHANNELS = ("api", "export")


class SensitiveProcessed(Schema):
    person_id = fields.String(required=True)
    processed_fields = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "names of the sensitive fields processed, never their values"},
    )
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=300))
    actor = fields.String(required=True, metadata={"description": "the staff user's subject id"})
    actor_unit = fields.String(required=True, validate=UNIT_CODE, metadata={"description": "the staff user's unit"})
    at = fields.DateTime(required=True)


register(
    EventContract(
        SENSITIVE_PROCESSED,
        REGISTRY_PROCESSING,
        SensitiveProcessed,
        "Staff revealed or exported sensitive fields of a person (names of the fields, purpose, who; no values).",
    )
)
