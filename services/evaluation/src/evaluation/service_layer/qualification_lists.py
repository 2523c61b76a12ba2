"""The qualification loop's lists (资格管理台账): the joint meetings held and the decisions they took.

Scoped like the reads they list. A meeting is listed to staff whose subtree holds the unit it
was convened for (as ``GET /meetings/{id}``), with how many people it reviewed and how many
decisions it took. A decision is listed to staff whose subtree held the person when it was taken
(as the round's report lists a person's decisions), by reference only: the meeting, the person's
id, the kind, the body, the day; for a revocation the day the person may be recommended again,
the meeting's own or the one term the registry holds when the meeting named none.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis.auth import Principal
from evaluation.adapters.tables import decisions, meetings
from evaluation.domain import decisions as decisions_rule
from evaluation.domain import ineligibility
from evaluation.domain.figures import FIGURE_OF
from evaluation.service_layer.listing import aware, in_year, page, scope_prefix
from evaluation.service_layer.unit_of_work import UowFactory

#: What the decisions list may be filtered by: a decision kind, or ``revoked`` for both revocations.
OUTCOMES = (*FIGURE_OF, "revoked")


def meetings_page(uow_factory: UowFactory, principal: Principal, filters: dict, limit: int, cursor: str | None):
    """Meetings convened in the caller's subtree, latest first, by year, unit, body or round."""
    with uow_factory() as uow:
        prefix = scope_prefix(principal, filters.get("unit"))
        counted = (
            sa.select(
                decisions.c.meeting_id,
                sa.func.count(sa.distinct(decisions.c.person_id)).label("people_reviewed"),
                sa.func.count().label("decisions"),
            )
            .group_by(decisions.c.meeting_id)
            .subquery()
        )
        query = (
            sa.select(
                meetings,
                sa.func.coalesce(counted.c.people_reviewed, 0).label("people_reviewed"),
                sa.func.coalesce(counted.c.decisions, 0).label("decision_count"),
            )
            .outerjoin(counted, counted.c.meeting_id == meetings.c.id)
            .where(meetings.c.scope_unit.like(principal.scope_prefix + "%"), meetings.c.scope_unit.like(prefix + "%"))
        )
        if filters.get("year"):
            query = query.where(in_year(meetings.c.held_on, filters["year"]))
        if filters.get("body"):  # one of a fixed list of codes (validated at the edge): no pattern characters
            query = query.where(sa.cast(meetings.c.bodies, sa.Text).like(f'%"{filters["body"]}"%'))
        if filters.get("round_id"):
            query = query.where(meetings.c.round_id == filters["round_id"])
        return page(uow.session, query, meetings.c.held_on, meetings.c.id, limit, cursor)


def decisions_page(uow_factory: UowFactory, principal: Principal, filters: dict, limit: int, cursor: str | None):
    """Decisions on people of the caller's subtree, latest first, by year of the meeting, unit, body,
    outcome, meeting or person."""
    with uow_factory() as uow:
        prefix = scope_prefix(principal, filters.get("unit"))
        query = (
            sa.select(
                decisions.c.id,
                decisions.c.meeting_id,
                meetings.c.held_on,
                decisions.c.person_id,
                decisions.c.unit_code,
                decisions.c.body,
                decisions.c.decision,
                decisions.c.decided_at,
                decisions.c.ineligible_until,
            )
            .join(meetings, meetings.c.id == decisions.c.meeting_id)
            .where(decisions.c.unit_code.like(principal.scope_prefix + "%"), decisions.c.unit_code.like(prefix + "%"))
        )
        if filters.get("year"):
            query = query.where(in_year(meetings.c.held_on, filters["year"]))
        for field in ("body", "meeting_id", "person_id"):
            if filters.get(field):
                query = query.where(decisions.c[field] == filters[field])
        if filters.get("outcome"):
            wanted = filters["outcome"]
            kinds = [k for k in FIGURE_OF if wanted == k or (wanted == "revoked" and decisions_rule.is_revocation(k))]
            query = query.where(decisions.c.decision.in_(kinds))
        found = page(uow.session, query, decisions.c.decided_at, decisions.c.id, limit, cursor)
    found["items"] = [_with_end(d) for d in found["items"]]
    return found


def _with_end(d: dict) -> dict:
    """A revocation's end: the meeting's, or one term from the decision's day (the registry's default)."""
    revoked = decisions_rule.is_revocation(d["decision"])
    default = revoked and d["ineligible_until"] is None
    if default:
        d["ineligible_until"] = ineligibility.one_term_after(aware(d["decided_at"]).astimezone(dt.UTC).date())
    return {**d, "ineligible_until_by_default": default}
