"""The list of violations (违法违纪台账): agencies' notices received and staff records, with the
rounds each one vetoes.

Only evaluators and reviewers read it (a record of a breach of law or discipline is for those
who act on evaluations), and only for people of their subtree, by the person's current unit as
every read of a person is. A notice not yet matched to a person is in nobody's list: it names
no one a member of staff could be shown. A violation vetoes a round when it counts for it
(``domain.veto``) and the person is in the round's cohort and the round has been scored.
"""

from __future__ import annotations

import sqlalchemy as sa

from chassis.auth import Principal
from evaluation.adapters.tables import members, people, rounds, violations
from evaluation.domain import veto
from evaluation.service_layer.listing import in_year, page, scope_prefix
from evaluation.service_layer.rounds import readable_by
from evaluation.service_layer.unit_of_work import UnitOfWork, UowFactory
from evaluation.service_layer.violations import SCORED_STATES

READ_ROLES = ("evaluator", "reviewer")
STATUSES = ("in_force", "rescinded")
SOURCES = ("notice", "staff")


def violations_page(uow_factory: UowFactory, principal: Principal, filters: dict, limit: int, cursor: str | None):
    """Violations of people in the caller's subtree, latest recorded first, by year it occurred, unit,
    status, source, agency or person."""
    principal.require_role(*READ_ROLES)
    with uow_factory() as uow:
        prefix = scope_prefix(principal, filters.get("unit"))
        query = (
            sa.select(
                violations.c.id,
                violations.c.person_id,
                people.c.unit_code,
                violations.c.agency,
                violations.c.notice_id,
                violations.c.case_reference,
                violations.c.violation_type,
                violations.c.occurred_on,
                violations.c.authority,
                violations.c.evidence_ref,
                violations.c.status,
                violations.c.created_at,
                violations.c.rescinded_at,
            )
            .join(people, people.c.person_id == violations.c.person_id)
            .where(people.c.unit_code.like(principal.scope_prefix + "%"), people.c.unit_code.like(prefix + "%"))
        )
        if filters.get("year"):
            query = query.where(in_year(violations.c.occurred_on, filters["year"]))
        for field in ("status", "agency", "person_id"):
            if filters.get(field):
                query = query.where(violations.c[field] == filters[field])
        if filters.get("source"):
            query = query.where(
                violations.c.agency.is_not(None) if filters["source"] == "notice" else violations.c.agency.is_(None)
            )
        found = page(uow.session, query, violations.c.created_at, violations.c.id, limit, cursor)
        vetoes = _vetoes(uow, principal, found["items"])
    found["items"] = [
        {**v, "source": "notice" if v["agency"] else "staff", "rounds_vetoed": vetoes.get(v["id"], [])}
        for v in found["items"]
    ]
    return found


def _vetoes(uow: UnitOfWork, principal: Principal, items: list[dict]) -> dict[str, list[str]]:
    """violation id -> the scored rounds it vetoes its person in, of those the caller may read."""
    if not items:
        return {}
    cohorts = uow.session.execute(
        sa.select(rounds.c.id, rounds.c.scope_unit, rounds.c.starts_on, rounds.c.ends_on, members.c.person_id)
        .join(members, members.c.round_id == rounds.c.id)
        .where(members.c.person_id.in_({v["person_id"] for v in items}), rounds.c.state.in_(SCORED_STATES))
        .order_by(rounds.c.starts_on, rounds.c.id)
    ).all()
    readable = [r for r in cohorts if readable_by(principal, r.scope_unit)]
    found: dict[str, list[str]] = {}
    for v in items:
        violation = veto.Violation(v["id"], v["person_id"], v["occurred_on"], v["status"] == "in_force")
        found[v["id"]] = [
            r.id
            for r in readable
            if r.person_id == v["person_id"] and veto.counts(violation, veto.Period(r.starts_on, r.ends_on))
        ]
    return found
