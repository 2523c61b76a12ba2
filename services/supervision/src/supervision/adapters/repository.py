"""What the supervision's use cases read and write, so they can run on fakes: the view (people,
person versions, facts) and the records of closed months."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis.contracts import evaluation as ev
from chassis.contracts import gateway as gw
from chassis.contracts import servicedesk as sd
from supervision.adapters.tables import contributions, facts, month_closures, month_recalculations, person_versions
from supervision.domain.facts import Fact, Person
from supervision.domain.indicators import DECISIONS
from supervision.domain.measurement import Contribution

#: Facts that settle a month's facts later (answered, breached, vetoed, decided, rescinded).
SETTLING = (
    sd.REQUEST_SLA_BREACHED, sd.SUGGESTION_ANSWERED, ev.VETO_APPLIED, gw.VIOLATION_RESCINDED, *DECISIONS,
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Closure:
    month: str
    closed_at: dt.datetime
    closed_by: str
    reason: str
    scheme_version: str
    scheme_digest: str
    snapshot_digest: str


class SupervisionRepository:
    def __init__(self, session: Session):
        self.session = session

    # -- the view ------------------------------------------------------------------------
    def add_fact(self, fact: Fact) -> bool:
        """Keep the fact once (a replay or a second consumer may bring it again); False if kept already."""
        seen = self.session.execute(sa.select(facts.c.event_id).where(facts.c.event_id == fact.event_id)).first()
        if seen is not None:
            return False
        self.session.execute(facts.insert(), dataclasses.asdict(fact))
        return True

    def add_person_version(self, version: dict[str, Any]) -> None:
        """Keep a person's version once (order-free: a replay or a late version changes nothing kept).
        Once the newest version says the person is archived, the versions before it keep no ID digest
        but the newest one (a corrected ID number's, one under a retired key are dropped): the
        registry's compacted topic holds only the newest, and so does the view."""
        key = (person_versions.c.person_id == version["person_id"], person_versions.c.version == version["version"])
        if self.session.execute(sa.select(person_versions.c.version).where(*key)).first() is None:
            self.session.execute(person_versions.insert(), version)
        self._drop_past_digests_if_archived(version["person_id"])

    def _drop_past_digests_if_archived(self, person_id: str) -> None:
        mine = person_versions.c.person_id == person_id
        newest = self.session.execute(
            sa.select(person_versions.c.version, person_versions.c.status, person_versions.c.id_digest)
            .where(mine)
            .order_by(person_versions.c.version.desc())
            .limit(1)
        ).first()
        if newest is not None and newest.status == "archived":
            self.session.execute(
                person_versions.update()
                .where(mine, person_versions.c.version < newest.version)
                .where(person_versions.c.id_digest != newest.id_digest)
                .values(id_digest=None)
            )

    def evidence(self, month: str) -> list[Fact]:
        """The month's facts and every fact that settles one of them, whenever it came: a breach
        of a request resolved this month (it may have been due last month), an answer, a veto or a
        rescission of a notice; and decisions on people from this month on (a notice names its
        person only by digest, so they cannot be chosen by subject)."""
        found = [_fact(r) for r in self.session.execute(sa.select(facts).where(facts.c.month == month)).mappings()]
        seen = {f.event_id for f in found}
        subjects = sorted({f.subject for f in found})
        settling = [t for t in SETTLING if t not in DECISIONS]
        for start in range(0, len(subjects), 500):
            rows = self.session.execute(
                sa.select(facts).where(
                    facts.c.event_type.in_(settling), facts.c.subject.in_(subjects[start : start + 500])
                )
            ).mappings()
            found += [f for f in map(_fact, rows) if f.event_id not in seen]
            seen |= {f.event_id for f in found}
        rows = self.session.execute(
            sa.select(facts).where(facts.c.event_type.in_(DECISIONS), facts.c.month > month)
        ).mappings()
        return found + [f for f in map(_fact, rows) if f.event_id not in seen]

    def people(self, on: str) -> list[Person]:
        """Every person as of the end of day ``on`` (``YYYY-MM-DD``): the newest version from that day or
        before; one registered later is not there."""
        rows = self.session.execute(
            sa.select(person_versions).where(person_versions.c.from_day <= on).order_by(person_versions.c.version)
        ).mappings()
        newest = {r["person_id"]: r for r in rows}
        return [Person(r["person_id"], r["unit_code"], r["status"] == "active", r["id_digest"], r["event_id"],
                       r["event_type"], r["from_day"]) for r in newest.values()]  # fmt: skip

    def units_of_people(self, person_ids: Iterable[str], on: str) -> dict[str, str]:
        """Where each person lived at the end of day ``on``."""
        ids = set(person_ids)
        return {p.person_id: p.unit_code for p in self.people(on) if p.person_id in ids}

    # -- the records ---------------------------------------------------------------------
    def closure(self, month: str) -> Closure | None:
        row = self.session.execute(sa.select(month_closures).where(month_closures.c.month == month)).mappings().first()
        return Closure(**row) if row else None

    def closures(self) -> list[Closure]:
        rows = self.session.execute(sa.select(month_closures).order_by(month_closures.c.month)).mappings()
        return [Closure(**r) for r in rows]

    def close(self, closure: Closure, found: list[Contribution]) -> None:
        self.session.execute(month_closures.insert(), dataclasses.asdict(closure))
        self._keep(closure.month, found)

    def recalculate(self, closure: Closure, found: list[Contribution], by: str, at: dt.datetime, reason: str) -> None:
        before = self.closure(closure.month)
        assert before is not None
        self.session.execute(contributions.delete().where(contributions.c.month == closure.month))
        self._keep(closure.month, found)
        values = {k: v for k, v in dataclasses.asdict(closure).items() if k != "month"}
        self.session.execute(month_closures.update().where(month_closures.c.month == closure.month).values(**values))
        self.session.execute(month_recalculations.insert(), dict(
            month=closure.month, at=at, by=by, reason=reason, scheme_version=closure.scheme_version,
            scheme_digest=closure.scheme_digest, scheme_version_before=before.scheme_version,
            digest_before=before.snapshot_digest,
            digest_after=closure.snapshot_digest,
        ))  # fmt: skip

    def recalculations(self, month: str) -> list[dict[str, Any]]:
        rows = self.session.execute(
            sa.select(month_recalculations)
            .where(month_recalculations.c.month == month)
            .order_by(month_recalculations.c.id)
        ).mappings()
        return [dict(r) for r in rows]

    def kept(self, month: str) -> list[Contribution]:
        rows = self.session.execute(sa.select(contributions).where(contributions.c.month == month)).mappings()
        found = [
            Contribution(r["indicator"], r["unit_code"], r["event_id"], r["event_type"], r["role"],
                         Decimal(r["amount"]), r["person_id"])
            for r in rows
        ]  # fmt: skip
        return sorted(found, key=lambda c: (c.indicator, c.unit_code, c.event_id, c.role))

    def _keep(self, month: str, found: list[Contribution]) -> None:
        if found:
            self.session.execute(contributions.insert(), [dict(month=month, **dataclasses.asdict(c)) for c in found])


def _fact(r: Any) -> Fact:
    measure = None if r["measure"] is None else Decimal(r["measure"])
    return Fact(r["event_id"], r["event_type"], r["month"], r["unit_code"], r["subject"], r["person_id"],
                r["id_digest"], measure, r["detail"], r["at"])  # fmt: skip
