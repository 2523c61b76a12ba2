"""Registry person events as consumers see them on ``registry.person.v1``, for tests that feed
a service's people view directly."""

from __future__ import annotations

from chassis.events import Envelope


def person_event(
    person_id,
    unit="370783001001",
    version=1,
    roles=(("cppcc", "county"),),
    status="active",
    digest=None,
    categories=("non_party_representative",),
    name=None,
):
    return Envelope.new(
        type="cn.tongxin.registry.person.updated.v1",
        source="/tongxin/registry",
        subject=person_id,
        data={
            "person_id": person_id,
            "version": version,
            "name": name or f"代表{person_id}",
            "gender": "male",
            "birth_year": 1970,
            "unit_code": unit,
            "id_digest": digest or person_id.ljust(64, "0"),
            "status": status,
            "categories": list(categories),
            "representative_roles": [{"body": b, "level": lvl, "title": None, "since": None} for b, lvl in roles],
            "employer": None,
            "position": None,
            "changed_fields": ["employer"],
        },
    )
