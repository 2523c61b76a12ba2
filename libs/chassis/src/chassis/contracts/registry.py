"""Contracts of ``registry.person.v1``: what the registry tells other services about people.

Every event carries the person's snapshot after the change (event-carried state
transfer), with its ``version``: a consumer keeps a read model by applying the
newest version it has seen; the version counts emitted events only, so a gap never
says that a hidden field changed. Religion, ethnicity, health and the raw ID number
never appear: the ID number travels only as a keyed digest (to match agency
notices). No masked form travels: its region and last four digits would leave
whoever holds the digest key a few hundred birth dates to try (the registry's own
views keep it). The snapshot carries the birth *year* only; categories, employer,
position and role titles that imply a religion or an ethnicity are left out, and
a change to hidden values alone emits no event (``chassis.sensitive`` is the
rule; the outbox enforces it).

``sensitive`` in a field's metadata: ``True`` for a field that is sensitive by
itself (an agency needs a purpose-bound grant), ``"values"`` for a field that could
hold sensitive values (``categories``): the registry never puts them here, and
the gateway passes them only under a purpose-bound grant.
"""

from marshmallow import Schema, fields, validate

from chassis.contracts.base import UNIT_CODE, EventContract, register
from chassis.topics import REGISTRY_PERSON

PREFIX = "cn.tongxin.registry.person."
#: The event types of ``registry.person.v1``, defined once: producers and consumers import these names.
PERSON_REGISTERED = PREFIX + "registered.v1"
PERSON_UPDATED = PREFIX + "updated.v1"
PERSON_MOVED = PREFIX + "moved.v1"
CATEGORY_JOINED = PREFIX + "category_joined.v1"
CATEGORY_LEFT = PREFIX + "category_left.v1"
REPRESENTATIVE_CHANGED = PREFIX + "representative_changed.v1"
PERSON_ARCHIVED = PREFIX + "archived.v1"
PERSON_RESTORED = PREFIX + "restored.v1"
PERSON_MERGED = PREFIX + "merged.v1"


_WITHHELD_WHEN_SENSITIVE = {"sensitive": "values", "description": "null when it names a religion or an ethnicity"}


class RepresentativeRole(Schema):
    body = fields.String(required=True, metadata={"description": "e.g. cppcc, npc, chamber"})
    level = fields.String(required=True, metadata={"description": "county, city, province, national"})
    title = fields.String(load_default=None, allow_none=True)
    since = fields.Date(load_default=None, allow_none=True)


class PersonSnapshot(Schema):
    person_id = fields.String(required=True)
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    name = fields.String(required=True)
    gender = fields.String(required=True, validate=validate.OneOf(["male", "female"]))
    # Optional on load so records written before birth_date gave way to the year still apply.
    birth_year = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1900, max=2100),
        metadata={"description": "year of birth only: a full date would narrow the ID number to 1,000 tries"},
    )
    unit_code = fields.String(required=True, validate=UNIT_CODE)
    id_digest = fields.String(
        required=True,
        metadata={"description": "keyed HMAC of the ID number with its key id, e.g. k1:3f9a...", "sensitive": True},
    )
    status = fields.String(required=True, validate=validate.OneOf(["active", "archived"]))
    categories = fields.List(
        fields.String(),
        required=True,
        metadata={"sensitive": "values", "description": "base databases, never ethnic_minority or religious_figure"},
    )
    representative_roles = fields.List(fields.Nested(RepresentativeRole), required=True)
    employer = fields.String(load_default=None, allow_none=True, metadata=_WITHHELD_WHEN_SENSITIVE)
    position = fields.String(load_default=None, allow_none=True, metadata=_WITHHELD_WHEN_SENSITIVE)


class PersonRegistered(PersonSnapshot):
    pass


class PersonUpdated(PersonSnapshot):
    changed_fields = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "the shared fields that changed; never empty, never a hidden field"},
    )


class PersonMoved(PersonSnapshot):
    from_unit_code = fields.String(required=True, validate=UNIT_CODE)


class CategoryChanged(PersonSnapshot):
    category = fields.String(required=True, metadata={"sensitive": "values"})
    effective_date = fields.Date(required=True)
    reason = fields.String(load_default=None, allow_none=True)


class RepresentativeChanged(PersonSnapshot):
    previous_roles = fields.List(fields.Nested(RepresentativeRole), required=True)
    reason = fields.String(load_default=None, allow_none=True)


class PersonArchivedOrRestored(PersonSnapshot):
    reason = fields.String(load_default=None, allow_none=True)


class PersonMerged(PersonSnapshot):
    merged_person_id = fields.String(required=True, metadata={"description": "the record folded into this one"})


for _type, _schema, _summary in [
    (PERSON_REGISTERED, PersonRegistered, "A person was registered in the registry."),
    (PERSON_UPDATED, PersonUpdated, "Shared fields of a person changed; hidden fields alone emit nothing."),
    (PERSON_MOVED, PersonMoved, "A person moved to another administrative unit."),
    (CATEGORY_JOINED, CategoryChanged, "A person joined one of the 10 base databases."),
    (CATEGORY_LEFT, CategoryChanged, "A person left one of the 10 base databases."),
    (REPRESENTATIVE_CHANGED, RepresentativeChanged, "A person's representative status changed."),
    (PERSON_ARCHIVED, PersonArchivedOrRestored, "A person's record was archived."),
    (PERSON_RESTORED, PersonArchivedOrRestored, "An archived record was restored."),
    (PERSON_MERGED, PersonMerged, "A likely duplicate was merged into this person."),
]:
    register(EventContract(_type, REGISTRY_PERSON, _schema, _summary))
