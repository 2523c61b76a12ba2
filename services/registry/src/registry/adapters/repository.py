"""Loads and saves Person aggregates with SQLAlchemy Core; optimistic concurrency on ``version``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis import idnumber, pinyin, sensitive
from chassis.digests import DigestKey
from chassis.errors import Conflict, NotFound, PreconditionFailed
from registry.adapters.tables import admin_units, memberships, people
from registry.domain.fields import Membership
from registry.domain.person import Person

_PERSON_COLUMNS = (
    "id",
    "name",
    "gender",
    "birth_date",
    "id_number",
    "unit_code",
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
    "status",
    "version",
    "event_version",
    "representative_roles",
    "merged_into",
)


class PersonRepository:
    def __init__(self, session: Session, id_secret: DigestKey, previous_keys: Sequence[DigestKey] = ()):
        self.session = session
        self.id_secret = id_secret
        #: Keys of a rotation in progress: digests not yet re-keyed still match.
        self.previous_keys = tuple(previous_keys)
        self._loaded_versions: dict[str, int] = {}
        self._new: list[Person] = []
        self._unread_membership_ids: set[str] = set()

    def get(self, person_id: str, for_update: bool = False) -> Person:
        query = sa.select(people).where(people.c.id == person_id)
        if for_update and self.session.bind.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self.session.execute(query).mappings().first()
        if row is None:
            raise NotFound("未找到该人员", "No such person", person_id=person_id)
        person = Person(**{c: row[c] for c in _PERSON_COLUMNS})
        person.tags = list(person.tags or [])
        person.representative_roles = list(person.representative_roles or [])
        person.memberships = [
            Membership(m.category, m.start_date, m.end_date, m.reason, m.approved_by, m.end_reason, m.id)
            for m in self.session.execute(
                sa.select(memberships).where(memberships.c.person_id == person_id).order_by(memberships.c.id)
            )
        ]
        self._loaded_versions[person.id] = person.version
        return person

    def find_active_by_id_number(self, number: str) -> str | None:
        digests = [idnumber.digest(number, key) for key in (self.id_secret, *self.previous_keys)]
        return self.session.execute(
            sa.select(people.c.id).where(people.c.id_digest.in_(digests), people.c.status == "active")
        ).scalar()

    def ids_with_id_number(self, number: str) -> list[str]:
        """Every record of this ID number, active or archived (the same person registered again)."""
        digests = [idnumber.digest(number, key) for key in (self.id_secret, *self.previous_keys)]
        return list(self.session.execute(sa.select(people.c.id).where(people.c.id_digest.in_(digests))).scalars())

    def ids_with_other_digest_key(self, key_id: str, limit: int) -> list[str]:
        """Up to ``limit`` people whose ID digest is under another key than ``key_id``."""
        query = sa.select(people.c.id).where(people.c.id_digest.not_like(key_id + ":%")).limit(limit)
        return list(self.session.execute(query).scalars())

    def unit_of(self, person_id: str) -> str:
        """The admin unit of a stored person (for scope checks that must not load the whole person)."""
        return str(self.session.execute(sa.select(people.c.unit_code).where(people.c.id == person_id)).scalar_one())

    def add(self, person: Person, checked: bool = False) -> None:
        """Insert a new person; ``checked`` means the caller already ruled out a duplicate ID number."""
        now = dt.datetime.now(dt.UTC)
        existing = None if checked else self.find_active_by_id_number(person.id_number)
        if existing:
            raise Conflict(
                "该身份证号码已登记",
                "This ID number is already registered",
                existing=f"/people/{existing}",
                person_id=existing,
            )
        self._new.append(person)
        self._loaded_versions[person.id] = person.version
        self._now = now

    def flush(self) -> None:
        """Insert the people added since the last flush with one executemany per table."""
        if not self._new:
            return
        added, self._new = self._new, []
        self.session.execute(
            people.insert(), [{**self._row(p), "created_at": self._now, "updated_at": self._now} for p in added]
        )
        rows = [self._membership_row(p, m) for p in added for m in p.memberships]
        if rows:
            self.session.execute(memberships.insert(), rows)
        for person in added:
            # The rows now hold the person's current state; membership ids are read only if needed.
            self._loaded_versions[person.id] = person.version
            self._unread_membership_ids.add(person.id)

    def save(self, person: Person) -> None:
        """Write the new state if nobody changed the person since it was loaded."""
        self.flush()
        loaded = self._loaded_versions[person.id]
        if person.version == loaded:
            return
        if person.status == "active":
            other = self.find_active_by_id_number(person.id_number)
            if other and other != person.id:
                raise Conflict(
                    "该身份证号码已被其他在册人员使用",
                    "Another active person has this ID number",
                    existing=f"/people/{other}",
                    person_id=other,
                )
        result = self.session.execute(
            people.update()
            .where(people.c.id == person.id, people.c.version == loaded)
            .values(**self._row(person), updated_at=dt.datetime.now(dt.UTC))
        )
        if result.rowcount != 1:
            raise PreconditionFailed(
                "该人员已被他人修改，请刷新后重试", "The person changed meanwhile; reload and retry"
            )
        self._refresh_membership_ids(person)
        self._save_memberships(person)
        self._loaded_versions[person.id] = person.version

    def _save_memberships(self, person: Person) -> None:
        for m in person.memberships:
            values = self._membership_row(person, m)
            if m.id is None:
                m.id = self.session.execute(memberships.insert(), values).inserted_primary_key[0]
            else:
                self.session.execute(memberships.update().where(memberships.c.id == m.id).values(**values))

    def _refresh_membership_ids(self, person: Person) -> None:
        if person.id in self._unread_membership_ids:
            self._unread_membership_ids.discard(person.id)
            ids = (
                self.session.execute(
                    sa.select(memberships.c.id).where(memberships.c.person_id == person.id).order_by(memberships.c.id)
                )
                .scalars()
                .all()
            )
            for m, new_id in zip(person.memberships, ids, strict=True):
                m.id = new_id

    @staticmethod
    def _membership_row(person: Person, m: Membership) -> dict:
        return dict(
            person_id=person.id,
            category=m.category,
            start_date=m.start_date,
            end_date=m.end_date,
            reason=m.reason,
            approved_by=m.approved_by,
            end_reason=m.end_reason,
        )

    def _row(self, person: Person) -> dict:
        row = {c: getattr(person, c) for c in _PERSON_COLUMNS}
        row["name_pinyin"] = pinyin.full(person.name)
        row["name_initials"] = pinyin.initials(person.name)
        row["name_pinyin_compact"] = pinyin.compact(person.name)
        row["id_digest"] = idnumber.digest(person.id_number, self.id_secret)
        row["is_representative"] = bool(person.representative_roles)
        values = [person.name, person.employer, person.position, *person.tags]
        # Viewers search ``search_text``: a substring of a hidden tag must find nobody through it.
        row["search_text"] = " ".join(filter(None, sensitive.public_values(filter(None, values)))).lower()
        row["search_text_all"] = " ".join(filter(None, values)).lower()
        return row


class AdminUnitRepository:
    """The admin units (行政区划) people may be registered in."""

    def __init__(self, session: Session):
        self.session = session

    def in_service(self, code: str) -> bool:
        """Whether the unit exists and is not retired."""
        row = self.session.execute(sa.select(admin_units.c.retired_at).where(admin_units.c.code == code)).first()
        return row is not None and row.retired_at is None
