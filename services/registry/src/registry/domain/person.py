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
from chassis.digests import DigestKey
from chassis.errors import Conflict, InvalidInput
from chassis.units import check as check_unit
from registry.domain.categories import BASE_DATABASES, LEVELS, REPRESENTATIVE_BODIES

#: History is read by every role in scope, so it holds no value a viewer may not see: the ID
#: number masked, the birth date as its year, the other sensitive fields (``chassis.sensitive``)
#: as the same mark whether or not a value was there.
MASKED_IN_HISTORY = tuple(f for f in sensitive.FIELDS if f not in ("id_number", "birth_date"))
#: An editable field that changed -> the shared snapshot fields that name the change in events.
_SHARED_AS = {"id_number": ("id_digest",), "birth_date": ("birth_year",)}
#: Fields a staff editor may change with an update.
EDITABLE_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number",
    "ethnicity",
    "political_affiliation",
    "religion",
    "education",
    "employer",
    "position",
    "phone",
    "address",
    "needs",
    "notes",
    "tags",
)


@dataclasses.dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    def masked(self) -> dict[str, Any]:
        if self.field == "id_number":
            return {"field": self.field, "from": _mask_id(self.old), "to": _mask_id(self.new)}
        if self.field == "birth_date":
            return {"field": "birth_year", "from": _year(self.old), "to": _year(self.new)}
        if self.field in MASKED_IN_HISTORY:
            # The same mark whether or not a value was there: history must not show presence either.
            return {"field": self.field, "from": sensitive.HIDDEN, "to": sensitive.HIDDEN}
        return {"field": self.field, "from": _plain(self.old), "to": _plain(self.new)}


@dataclasses.dataclass(frozen=True)
class Recorded:
    """Something that happened to a person: an event suffix (None when the change touched hidden
    data only, so no event may say it happened) and its extra data, plus history."""

    event: str | None
    extra: dict[str, Any]
    action: str
    changes: tuple[FieldChange, ...] = ()
    version: int = 1
    #: The version the event carries: it counts emitted events only, so a gap never tells a
    #: consumer that a hidden-only change happened in between.
    event_version: int = 1


@dataclasses.dataclass
class Membership:
    category: str
    start_date: dt.date
    end_date: dt.date | None = None
    reason: str | None = None
    approved_by: str | None = None
    end_reason: str | None = None
    id: int | None = None

    def active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day < self.end_date)


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
        fields["tags"] = _clean_tags(fields.get("tags") or [])
        fields["name"] = _clean_name(fields["name"])
        person = cls(id=person_id, **fields)
        for code in categories:
            person._add_membership(code, today or dt.date.today(), reason="登记时归类", approved_by=None)
        person.recorded.append(Recorded("registered.v1", {}, "registered"))
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
            changes["name"] = _clean_name(changes["name"])
        if "tags" in changes:
            changes["tags"] = _clean_tags(changes["tags"] or [])
        merged = {f: changes.get(f, getattr(self, f)) for f in ("id_number", "birth_date", "gender")}
        if {"id_number", "birth_date", "gender"} & set(changes):
            changes["id_number"] = idnumber.validate(merged["id_number"], merged["birth_date"], merged["gender"])
        diff = [FieldChange(f, getattr(self, f), v) for f, v in changes.items() if getattr(self, f) != v]
        if not diff:
            return []
        for change in diff:
            setattr(self, change.field, change.new)
        # Events must not even say that a hidden field changed: name only what the shared snapshot shows.
        public = sorted({shared for c in diff for shared in _shared_names(c)})
        event = "updated.v1" if public else None
        self._bump(Recorded(event, {"changed_fields": public}, "updated", tuple(diff)))
        return diff

    def move(self, unit_code: str) -> None:
        self._require_active()
        check_unit(unit_code)
        if unit_code == self.unit_code:
            return
        old, self.unit_code = self.unit_code, unit_code
        self._bump(Recorded("moved.v1", {"from_unit_code": old}, "moved", (FieldChange("unit_code", old, unit_code),)))

    def archive(self, reason: str | None) -> None:
        if self.status != "active":
            raise Conflict("该人员已归档", "The person is already archived")
        self.status = "archived"
        self._bump(
            Recorded("archived.v1", {"reason": reason}, "archived", (FieldChange("status", "active", "archived"),))
        )

    def restore(self, reason: str | None) -> None:
        if self.status != "archived" or self.merged_into:
            raise Conflict("只有已归档且未被合并的人员可以恢复", "Only archived, unmerged people can be restored")
        self.status = "active"
        self._bump(
            Recorded("restored.v1", {"reason": reason}, "restored", (FieldChange("status", "archived", "active"),))
        )

    def join_category(self, code: str, start: dt.date, reason: str | None, approved_by: str | None) -> None:
        self._require_active()
        self._add_membership(code, start, reason, approved_by)
        extra = {"category": code, "effective_date": start.isoformat(), "reason": reason}
        event = None if sensitive.is_sensitive_value(code) else "category_joined.v1"
        self._bump(Recorded(event, extra, "category_joined", (FieldChange("categories", None, code),)))

    def leave_category(self, code: str, end: dt.date, reason: str | None) -> None:
        membership = next((m for m in self.memberships if m.category == code and m.end_date is None), None)
        if membership is None:
            raise Conflict(f"该人员当前不在“{BASE_DATABASES.get(code, code)}”库中", f"Not currently in category {code}")
        if end < membership.start_date:
            raise InvalidInput("结束日期早于加入日期", "End date is before the start date", field="end_date")
        membership.end_date, membership.end_reason = end, reason
        extra = {"category": code, "effective_date": end.isoformat(), "reason": reason}
        event = None if sensitive.is_sensitive_value(code) else "category_left.v1"
        self._bump(Recorded(event, extra, "category_left", (FieldChange("categories", code, None),)))

    def set_representative_roles(self, roles: list[dict[str, Any]], reason: str | None) -> bool:
        roles = [_clean_role(r) for r in roles]
        if roles == self.representative_roles:
            return False
        previous, self.representative_roles = self.representative_roles, roles
        shared_before, shared_after = ([_shared_role(r) for r in rs] for rs in (previous, roles))
        extra = {"previous_roles": shared_before, "reason": reason}
        # A change to a withheld title alone (say, a religious circle's seat) says nothing on the topic.
        event = "representative_changed.v1" if shared_before != shared_after else None
        change = FieldChange("representative_roles", previous, roles)
        self._bump(Recorded(event, extra, "representative_changed", (change,)))
        return True

    def revoke_role(self, body: str, reason: str) -> bool:
        """Drop every role in ``body`` (e.g. an evaluation revoked a CPPCC qualification)."""
        kept = [r for r in self.representative_roles if r["body"] != body]
        return self.set_representative_roles(kept, reason) if len(kept) != len(self.representative_roles) else False

    def rekey_id_digest(self) -> None:
        """The ID-digest key changed: announce the person again so consumers learn the new digest."""
        self._bump(Recorded("updated.v1", {"changed_fields": ["id_digest"]}, "id_digest_rekeyed"))

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
                "merged.v1", {"merged_person_id": other.id}, "merged", (FieldChange("merged_from", None, other.id),)
            )
        )
        other.status, other.merged_into = "archived", self.id
        other._bump(
            Recorded(
                "archived.v1",
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
            "representative_roles": [_shared_role(r) for r in self.representative_roles],
            "employer": _shared_text(self.employer),
            "position": _shared_text(self.position),
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


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > 60:
        raise InvalidInput("姓名不能为空且不超过60个字符", "Name must be 1-60 characters", field="name")
    return name


def _clean_tags(tags: list[str]) -> list[str]:
    return sorted({t.strip() for t in tags if t and t.strip()})


def _clean_role(role: dict[str, Any]) -> dict[str, Any]:
    body, level = role.get("body"), role.get("level")
    if body not in REPRESENTATIVE_BODIES or level not in LEVELS:
        raise InvalidInput(
            f"代表人士身份无效：机构须为 {'/'.join(REPRESENTATIVE_BODIES)}，级别须为 {'/'.join(LEVELS)}",
            f"Invalid representative role: body in {list(REPRESENTATIVE_BODIES)}, level in {list(LEVELS)}",
            field="representative_roles",
        )
    since = role.get("since")
    return {
        "body": body,
        "level": level,
        "title": role.get("title"),
        "since": since.isoformat() if isinstance(since, dt.date) else since,
    }


def _shared_text(value: str | None) -> str | None:
    """Free text for the shared snapshot, withheld when it implies a religion or an ethnicity
    (an employer '东关清真寺', a position '阿訇')."""
    return None if sensitive.is_sensitive_value(value) else value


def _shared_role(role: dict[str, Any]) -> dict[str, Any]:
    return {**role, "title": _shared_text(role.get("title"))}


def _shared_names(change: FieldChange) -> tuple[str, ...]:
    """The snapshot fields through which a change shows in events: none for a hidden field, nor
    for a change only to values the snapshot withholds (a religious tag added, one sensitive
    employer for another)."""
    if change.field == "birth_date":
        return ("birth_year",) if change.old.year != change.new.year else ()
    if change.field in _SHARED_AS:
        return _SHARED_AS[change.field]
    if change.field in sensitive.FIELDS:
        return ()
    if change.field == "tags":
        return ("tags",) if sensitive.public_values(change.old or []) != sensitive.public_values(change.new) else ()
    if change.field in ("employer", "position"):
        return (change.field,) if _shared_text(change.old) != _shared_text(change.new) else ()
    return (change.field,)


def _year(value: dt.date | None) -> int | None:
    return value.year if value else None


def _mask_id(value: str | None) -> str | None:
    return idnumber.mask(value) if value else None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
