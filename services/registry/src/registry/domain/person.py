"""A person in the registry (统战对象): the aggregate every registry rule is about.

The aggregate records what happened as events (past tense) and, for every field it
changes, a history entry (who changed what from what to what). The unit of work
writes both in the same transaction as the new state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from chassis import idnumber, sensitive
from chassis.contracts.registry import (
    CATEGORY_JOINED,
    CATEGORY_LEFT,
    PERSON_ARCHIVED,
    PERSON_MERGED,
    PERSON_MOVED,
    PERSON_REGISTERED,
    PERSON_RESTORED,
    PERSON_UPDATED,
    REPRESENTATIVE_CHANGED,
)
from chassis.digests import DigestKey
from chassis.errors import Conflict, InvalidInput
from chassis.units import check as check_unit
from registry.domain.categories import BASE_DATABASES
from registry.domain.changes import FieldChange, Recorded, shared_names, shared_text
from registry.domain.fields import EDITABLE_FIELDS, Membership, clean_name, clean_role, clean_tags, shared_role


@dataclasses.dataclass
class Person:
    id: str
    name: str
    gender: str
    birth_date: dt.date
    id_number: str
    unit_code: str
    ethnicity: str | None = None
    political_affiliation: str | None = None
    religion: str | None = None
    education: str | None = None
    employer: str | None = None
    position: str | None = None
    phone: str | None = None
    address: str | None = None
    needs: str | None = None
    notes: str | None = None
    tags: list[str] = dataclasses.field(default_factory=list)
    status: str = "active"
    version: int = 1
    event_version: int = 1
    representative_roles: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    merged_into: str | None = None
    memberships: list[Membership] = dataclasses.field(default_factory=list)
    recorded: list[Recorded] = dataclasses.field(default_factory=list, repr=False)

    # -- creation -----------------------------------------------------------------
    @classmethod
    def register(
        cls, person_id: str, *, categories: Sequence[str] = (), today: dt.date | None = None, **fields: Any
    ) -> Person:
        fields["id_number"] = idnumber.validate(fields["id_number"], fields.get("birth_date"), fields.get("gender"))
        fields.setdefault("birth_date", idnumber.birth_date_of(fields["id_number"]))
        fields.setdefault("gender", idnumber.gender_of(fields["id_number"]))
        check_unit(fields["unit_code"])
        fields["tags"] = clean_tags(fields.get("tags") or [])
        fields["name"] = clean_name(fields["name"])
        person = cls(id=person_id, **fields)
        for code in categories:
            person._add_membership(code, today or dt.date.today(), reason="登记时归类", approved_by=None)
        person.recorded.append(Recorded(PERSON_REGISTERED, {}, "registered"))
        return person

    # -- changes --------------------------------------------------------------------
    def update(self, changes: dict[str, Any]) -> list[FieldChange]:
        self._require_active()
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise InvalidInput(
                f"不可修改的字段：{', '.join(sorted(unknown))}", f"Fields not editable: {', '.join(sorted(unknown))}"
            )
        if "name" in changes:
            changes["name"] = clean_name(changes["name"])
        if "tags" in changes:
            changes["tags"] = clean_tags(changes["tags"] or [])
        merged = {f: changes.get(f, getattr(self, f)) for f in ("id_number", "birth_date", "gender")}
        if {"id_number", "birth_date", "gender"} & set(changes):
            changes["id_number"] = idnumber.validate(merged["id_number"], merged["birth_date"], merged["gender"])
        diff = [FieldChange(f, getattr(self, f), v) for f, v in changes.items() if getattr(self, f) != v]
        if not diff:
            return []
        for change in diff:
            setattr(self, change.field, change.new)
        # Events must not even say that a hidden field changed: name only what the shared snapshot shows.
        public = sorted({shared for c in diff for shared in shared_names(c)})
        event = PERSON_UPDATED if public else None
        self._bump(Recorded(event, {"changed_fields": public}, "updated", tuple(diff)))
        return diff

    def move(self, unit_code: str) -> None:
        self._require_active()
        check_unit(unit_code)
        if unit_code == self.unit_code:
            return
        old, self.unit_code = self.unit_code, unit_code
        self._bump(
            Recorded(PERSON_MOVED, {"from_unit_code": old}, "moved", (FieldChange("unit_code", old, unit_code),))
        )

    def archive(self, reason: str | None) -> None:
        if self.status != "active":
            raise Conflict("该人员已归档", "The person is already archived")
        self.status = "archived"
        self._bump(
            Recorded(PERSON_ARCHIVED, {"reason": reason}, "archived", (FieldChange("status", "active", "archived"),))
        )

    def restore(self, reason: str | None) -> None:
        if self.status != "archived" or self.merged_into:
            raise Conflict("只有已归档且未被合并的人员可以恢复", "Only archived, unmerged people can be restored")
        self.status = "active"
        self._bump(
            Recorded(PERSON_RESTORED, {"reason": reason}, "restored", (FieldChange("status", "archived", "active"),))
        )

    def join_category(self, code: str, start: dt.date, reason: str | None, approved_by: str | None) -> None:
        self._require_active()
        self._add_membership(code, start, reason, approved_by)
        extra = {"category": code, "effective_date": start.isoformat(), "reason": reason}
        event = None if sensitive.is_sensitive_value(code) else CATEGORY_JOINED
        self._bump(Recorded(event, extra, "category_joined", (FieldChange("categories", None, code),)))

    def leave_category(self, code: str, end: dt.date, reason: str | None) -> None:
        membership = next((m for m in self.memberships if m.category == code and m.end_date is None), None)
        if membership is None:
            raise Conflict(f"该人员当前不在“{BASE_DATABASES.get(code, code)}”库中", f"Not currently in category {code}")
        if end < membership.start_date:
            raise InvalidInput("结束日期早于加入日期", "End date is before the start date", field="end_date")
        membership.end_date, membership.end_reason = end, reason
        extra = {"category": code, "effective_date": end.isoformat(), "reason": reason}
        event = None if sensitive.is_sensitive_value(code) else CATEGORY_LEFT
        self._bump(Recorded(event, extra, "category_left", (FieldChange("categories", code, None),)))

    def set_representative_roles(self, roles: list[dict[str, Any]], reason: str | None) -> bool:
        roles = [clean_role(r) for r in roles]
        if roles == self.representative_roles:
            return False
        previous, self.representative_roles = self.representative_roles, roles
        shared_before, shared_after = ([shared_role(r) for r in rs] for rs in (previous, roles))
        extra = {"previous_roles": shared_before, "reason": reason}
        # A change to a withheld title alone (say, a religious circle's seat) says nothing on the topic.
        event = REPRESENTATIVE_CHANGED if shared_before != shared_after else None
        change = FieldChange("representative_roles", previous, roles)
        self._bump(Recorded(event, extra, "representative_changed", (change,)))
        return True

    def revoke_role(self, body: str, reason: str) -> bool:
        """Drop every role in ``body`` (e.g. an evaluation revoked a CPPCC qualification)."""
        kept = [r for r in self.representative_roles if r["body"] != body]
        return self.set_representative_roles(kept, reason) if len(kept) != len(self.representative_roles) else False

    def rekey_id_digest(self) -> None:
        """The ID-digest key changed: announce the person again so consumers learn the new digest."""
        self._bump(Recorded(PERSON_UPDATED, {"changed_fields": ["id_digest"]}, "id_digest_rekeyed"))

    def absorb(self, other: Person) -> None:
        """Merge a likely duplicate into this person: categories and roles carry over."""
        self._require_active()
        if other.id == self.id:
            raise InvalidInput("不能与自身合并", "Cannot merge a person with itself")
        for m in other.memberships:
            if m.end_date is None and self.current_categories().count(m.category) == 0:
                self._add_membership(m.category, m.start_date, f"合并自 {other.id}", m.approved_by)
        for role in other.representative_roles:
            if role not in self.representative_roles:
                self.representative_roles.append(role)
        self._bump(
            Recorded(
                PERSON_MERGED, {"merged_person_id": other.id}, "merged", (FieldChange("merged_from", None, other.id),)
            )
        )
        other.status, other.merged_into = "archived", self.id
        other._bump(
            Recorded(
                PERSON_ARCHIVED,
                {"reason": f"合并至 {self.id}"},
                "merged_away",
                (FieldChange("merged_into", None, self.id),),
            )
        )

    # -- reading ------------------------------------------------------------------------
    def current_categories(self, on: dt.date | None = None) -> list[str]:
        day = on or dt.date.today()
        return sorted({m.category for m in self.memberships if m.active_on(day)})

    def snapshot(self, key: DigestKey) -> dict[str, Any]:
        """What other services may know (see the registry.person.v1 contract): the birth year and
        the keyed digest, never the masked ID number (its region and tail would leave the holder of
        the digest key a few hundred dates to try); no category, tag, employer, position or role
        title that implies a religion or an ethnicity."""
        return {
            "person_id": self.id,
            "version": self.event_version,
            "name": self.name,
            "gender": self.gender,
            "birth_year": self.birth_date.year,
            "unit_code": self.unit_code,
            "id_digest": idnumber.digest(self.id_number, key),
            "status": self.status,
            "categories": sensitive.public_values(self.current_categories()),
            "representative_roles": [shared_role(r) for r in self.representative_roles],
            "employer": shared_text(self.employer),
            "position": shared_text(self.position),
        }

    # -- internals ------------------------------------------------------------------------
    def _add_membership(self, code: str, start: dt.date, reason: str | None, approved_by: str | None) -> None:
        if code not in BASE_DATABASES:
            raise InvalidInput(f"未知的基础库：{code}", f"Unknown base database: {code}", field="category")
        if code in self.current_categories(start) or any(
            m.category == code and m.end_date is None for m in self.memberships
        ):
            raise Conflict(f"该人员已在“{BASE_DATABASES[code]}”库中", f"Already in category {code}")
        self.memberships.append(Membership(code, start, reason=reason, approved_by=approved_by))

    def _require_active(self) -> None:
        if self.status != "active":
            raise Conflict("已归档的人员不能修改，请先恢复", "Archived people cannot be changed; restore first")

    def _bump(self, recorded: Recorded) -> None:
        self.version += 1
        if recorded.event is not None:
            self.event_version += 1
        self.recorded.append(dataclasses.replace(recorded, version=self.version, event_version=self.event_version))
