"""What the supervision's use cases read and write, so they can run on fakes: the view (people,
record dates, facts) and the records of closed months."""

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
from supervision.adapters.tables import contributions, facts, month_closures, month_recalculations, people, record_dates
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

    def note_record_date(self, person_id: str, version: int, event_id: str, event_type: str, day: str) -> None:
        row = dict(person_id=person_id, version=version, event_id=event_id, event_type=event_type, updated_on=day)
        current = self.session.execute(
            sa.select(record_dates.c.version).where(record_dates.c.person_id == person_id)
        ).scalar()
        if current is None:
            self.session.execute(record_dates.insert(), row)
        elif version > current:
            self.session.execute(record_dates.update().where(record_dates.c.person_id == person_id), row)

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

    def people(self) -> list[Person]:
        rows = self.session.execute(
            sa.select(people.c.person_id, people.c.unit_code, people.c.status, people.c.id_digest,
                      record_dates.c.event_id, record_dates.c.event_type, record_dates.c.updated_on)
            .join(record_dates, record_dates.c.person_id == people.c.person_id)
        ).all()  # fmt: skip
        return [Person(r[0], r[1], r[2] == "active", r[3], r[4], r[5], r[6]) for r in rows]

    def units_of_people(self, person_ids: Iterable[str]) -> dict[str, str]:
        ids = sorted(set(person_ids))
        if not ids:
            return {}
        rows = self.session.execute(
            sa.select(people.c.person_id, people.c.unit_code).where(people.c.person_id.in_(ids))
        )
        return {pid: unit for pid, unit in rows.all()}

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
            scheme_digest=closure.scheme_digest, digest_before=before.snapshot_digest,
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
