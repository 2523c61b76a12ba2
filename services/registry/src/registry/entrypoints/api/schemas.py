"""Request and response schemas of the registry API (marshmallow)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate
from webargs.fields import DelimitedList

from chassis.contracts import UNIT_CODE, FullMatch
from chassis.errors import Bilingual
from registry.domain.categories import BASE_DATABASES, LEVELS, REPRESENTATIVE_BODIES
from registry.service_layer.people import CONTACT_KINDS

UNIT = UNIT_CODE
GENDER = validate.OneOf(["male", "female"])
CATEGORY = validate.OneOf(list(BASE_DATABASES))
SHORT = validate.Length(max=200)


class RoleSchema(Schema):
    body = fields.String(required=True, validate=validate.OneOf(list(REPRESENTATIVE_BODIES)))
    level = fields.String(required=True, validate=validate.OneOf(list(LEVELS)))
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    since = fields.Date(load_default=None, allow_none=True)


class RoleOut(RoleSchema):
    # Stored in a JSON column, so read back as an ISO string; a date right after a change.
    since = fields.Function(lambda role: str(role["since"]) if role.get("since") else None)


class PersonFields(Schema):
    name = fields.String(validate=validate.Length(min=1, max=60))
    gender = fields.String(validate=GENDER)
    birth_date = fields.Date()
    id_number = fields.String(validate=validate.Length(max=40))
    ethnicity = fields.String(allow_none=True, validate=validate.Length(max=40))
    political_affiliation = fields.String(allow_none=True, validate=validate.Length(max=60))
    religion = fields.String(allow_none=True, validate=validate.Length(max=40))
    education = fields.String(allow_none=True, validate=validate.Length(max=40))
    employer = fields.String(allow_none=True, validate=SHORT)
    position = fields.String(allow_none=True, validate=validate.Length(max=100))
    phone = fields.String(
        allow_none=True,
        validate=FullMatch(r"^[0-9+\- ]{5,20}$", error=Bilingual("not a phone number", "电话号码格式不正确")),
    )
    address = fields.String(allow_none=True, validate=validate.Length(max=300))
    needs = fields.String(allow_none=True, validate=validate.Length(max=4000))
    notes = fields.String(allow_none=True, validate=validate.Length(max=4000))
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=30)), validate=validate.Length(max=30))


class PersonCreate(PersonFields):
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    id_number = fields.String(required=True, validate=validate.Length(max=40))
    unit_code = fields.String(required=True, validate=UNIT)
    categories = fields.List(fields.String(validate=CATEGORY), load_default=list)
    representative_roles = fields.List(fields.Nested(RoleSchema), load_default=list)
    vetting_basis = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={
            "description": "凡进必评: the caller's vetting basis for every role added (who, when: recorded); "
            "a town seat is added by town staff or above, a county or higher seat by county staff or above"
        },
    )


class PersonPatch(PersonFields):
    pass


class CategoryOut(Schema):
    category = fields.String()
    name = fields.String()
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    reason = fields.String(allow_none=True)
    approved_by = fields.String(allow_none=True)
    end_reason = fields.String(allow_none=True)


class PersonOut(Schema):
    id = fields.String()
    name = fields.String()
    name_pinyin = fields.String()
    gender = fields.String()
    birth_year = fields.Integer()
    birth_date = fields.Date(
        allow_none=True, metadata={"description": "null unless revealed: beside the masked ID number it rebuilds it"}
    )
    id_number = fields.String(metadata={"description": "masked unless revealed"})
    ethnicity = fields.String(
        allow_none=True, metadata={"description": "*** unless revealed, whether or not a value is recorded"}
    )
    religion = fields.String(
        allow_none=True, metadata={"description": "*** unless revealed, whether or not a value is recorded"}
    )
    unit_code = fields.String()
    political_affiliation = fields.String(allow_none=True)
    education = fields.String(allow_none=True)
    employer = fields.String(allow_none=True)
    position = fields.String(allow_none=True)
    phone = fields.String(allow_none=True, metadata={"description": "*** for roles below editor"})
    address = fields.String(allow_none=True, metadata={"description": "*** for roles below editor"})
    needs = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    tags = fields.List(fields.String(), metadata={"description": "without religious or ethnic tags below editor"})
    status = fields.String()
    representative_roles = fields.List(fields.Nested(RoleOut))
    merged_into = fields.String(allow_none=True)
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    categories = fields.List(fields.Nested(CategoryOut))
    current_categories = fields.List(fields.String())
    revealed = fields.List(fields.String())


class PersonPage(Schema):
    items = fields.List(fields.Nested(PersonOut))
    next_cursor = fields.String(allow_none=True)
    total = fields.Integer(allow_none=True)


class SearchArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    q = fields.String(
        validate=validate.Length(min=1, max=60),
        metadata={"description": "name prefix, or pinyin prefix (full or initials): fast at any size"},
    )
    text = fields.String(
        validate=validate.Length(min=1, max=60),
        metadata={"description": "any part of name, employer, position or tags (scans; slower on large registries)"},
    )
    category = fields.String(validate=CATEGORY)
    unit = fields.String(validate=UNIT, metadata={"description": "limit to this unit's subtree (within yours)"})
    representative = fields.Boolean()
    body = fields.String(validate=validate.OneOf(list(REPRESENTATIVE_BODIES)))
    tag = fields.String(validate=validate.Length(max=30))
    status = fields.String(load_default="active", validate=validate.OneOf(["active", "archived", "all"]))
    as_of = fields.Date(metadata={"description": "category membership on this date"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String()
    with_total = fields.Boolean(load_default=False)


class RevealArgs(Schema):
    reveal = DelimitedList(
        fields.String(), load_default=list, metadata={"description": "id_number,ethnicity,religion,birth_date"}
    )
    purpose = fields.String(validate=validate.Length(max=300))


class MoveIn(Schema):
    unit_code = fields.String(required=True, validate=UNIT)


class ReasonIn(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class RolesIn(Schema):
    roles = fields.List(fields.Nested(RoleSchema), required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    vetting_basis = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={
            "description": "凡进必评: the caller's vetting basis for every role added (who, when: recorded); "
            "a town seat is added by town staff or above, a county or higher seat by county staff or above"
        },
    )


class IneligibilityOut(Schema):
    body = fields.String()
    until = fields.Date(metadata={"description": "the first day the role may be added again"})
    standing = fields.Boolean()
    decision = fields.String()
    decision_id = fields.String(allow_none=True)
    meeting_id = fields.String(allow_none=True)
    reason = fields.String(
        allow_none=True, metadata={"description": "null when the revocation is held on a record outside your scope"}
    )
    decided_at = fields.DateTime()


class VettingOut(Schema):
    body = fields.String()
    source = fields.String(metadata={"description": "staff, evaluation or notice"})
    basis = fields.String()
    reference = fields.String(allow_none=True)
    decided_by = fields.String()
    decided_at = fields.DateTime()
    spent_at = fields.DateTime(
        allow_none=True, metadata={"description": "when a role added on it used it up; null: it is a basis still"}
    )


class QualificationOut(Schema):
    ineligibilities = fields.List(fields.Nested(IneligibilityOut))
    vettings = fields.List(fields.Nested(VettingOut))


class JoinCategoryIn(Schema):
    category = fields.String(required=True, validate=CATEGORY)
    start_date = fields.Date(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class LeaveCategoryIn(Schema):
    end_date = fields.Date(required=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ContactIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(CONTACT_KINDS)))
    contact_date = fields.Date(required=True)
    summary = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    needs_raised = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    follow_up = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    follow_up_due = fields.Date(load_default=None, allow_none=True)


class ContactOut(ContactIn):
    id = fields.Integer()
    person_id = fields.String()
    staff = fields.String()
    created_at = fields.DateTime()


class HistoryOut(Schema):
    person_id = fields.String()
    version = fields.Integer()
    action = fields.String()
    changes = fields.List(fields.Dict())
    actor = fields.String()
    at = fields.DateTime()


class MergeIn(Schema):
    duplicate_id = fields.String(required=True)


class DuplicateGroup(Schema):
    rule = fields.String()
    name = fields.String()
    person_ids = fields.List(fields.String())
