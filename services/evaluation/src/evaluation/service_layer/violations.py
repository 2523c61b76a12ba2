"""Violation records (违法违纪) and the one-vote veto they trigger.

A record comes from an agency notice passed on by the sharing gateway (matched to a
person by the ID-number digest) or from staff with an evidence reference. A notice is
identified by (agency, notice id): notice ids are each agency's own, so two agencies
may use the same one, and one agency's rescission can only lift its own notice. Creating
or rescinding one recomputes every round it touches (violation date within the
round's period, round already scored) and publishes ``veto.applied`` or
``veto.lifted`` for each.

Staff act only within their scope on everything their change would touch: the person,
and every round the person's outcome would be recomputed in (a community evaluator must
not move a county round). A reviewed or published round is closed to staff corrections:
only the agency's own notice or rescission changes it, and staff never lift an agency's
notice.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.contracts.evaluation import VETO_APPLIED, VETO_LIFTED
from chassis.errors import Conflict, Forbidden, NotFound
from chassis.events import Envelope
from evaluation.adapters.tables import members, outcomes, people, rounds, violations
from evaluation.domain import veto
from evaluation.service_layer.results import recompute
from evaluation.service_layer.unit_of_work import UnitOfWork, UowFactory

SCORED_STATES = ("scoring_closed", "reviewed", "published")
VETO_EVENT = {veto.APPLIED: VETO_APPLIED, veto.LIFTED: VETO_LIFTED}


def record(
    uow: UnitOfWork,
    *,
    person_id: str | None,
    id_digest: str | None,
    case_reference: str,
    violation_type: str,
    occurred_on: dt.date,
    authority: str,
    recorded_by: str,
    notice_id: str | None = None,
    agency: str | None = None,
    evidence_ref: str | None = None,
) -> str:
    violation_id = str(uuid.uuid4())
    uow.session.execute(
        violations.insert(),
        dict(
            id=violation_id,
            person_id=person_id,
            id_digest=id_digest,
            notice_id=notice_id,
            agency=agency,
            case_reference=case_reference,
            violation_type=violation_type,
            occurred_on=occurred_on,
            authority=authority,
            evidence_ref=evidence_ref,
            status="in_force",
            recorded_by=recorded_by,
            created_at=dt.datetime.now(dt.UTC),
        ),
    )
    if person_id:
        _reevaluate(
            uow,
            person_id,
            violation_id,
            occurred_on,
            veto.APPLIED,
            f"{authority}：{violation_type}（{case_reference}）",
            notice_id,
            agency,
        )
    return violation_id


def rescind(uow: UnitOfWork, violation_id: str, reason: str, notice_id: str | None = None) -> None:
    session = uow.session
    row = session.execute(sa.select(violations).where(violations.c.id == violation_id)).mappings().first()
    if row is None:
        raise NotFound("未找到该违法违纪记录", "No such violation record")
    if row["status"] == "rescinded":
        raise Conflict("该记录已撤销", "The record is already rescinded")
    session.execute(
        violations.update()
        .where(violations.c.id == violation_id)
        .values(status="rescinded", rescinded_at=dt.datetime.now(dt.UTC), rescind_reason=reason)
    )
    if row["person_id"]:
        _reevaluate(
            uow,
            row["person_id"],
            violation_id,
            row["occurred_on"],
            veto.LIFTED,
            reason,
            notice_id or row["notice_id"],
            row["agency"],
        )


def _touched_rounds(uow: UnitOfWork, person_id: str, occurred_on: dt.date) -> list[dict]:
    """The scored rounds whose outcome for the person a violation on ``occurred_on`` changes."""
    scored = uow.session.execute(
        sa.select(rounds)
        .join(members, members.c.round_id == rounds.c.id)
        .where(members.c.person_id == person_id, rounds.c.state.in_(SCORED_STATES))
    ).mappings()
    return [dict(r) for r in scored if veto.Period(r["starts_on"], r["ends_on"]).holds(occurred_on)]


def _reevaluate(uow: UnitOfWork, person_id, violation_id, occurred_on, change, reason, notice_id, agency) -> None:
    for r in _touched_rounds(uow, person_id, occurred_on):
        before = _status(uow, r["id"], person_id)
        after = recompute(uow, dict(r))[person_id]["status"]
        if veto.is_news(change, before, after):
            unit = uow.session.execute(
                sa.select(members.c.unit_code).where(members.c.round_id == r["id"], members.c.person_id == person_id)
            ).scalar()
            uow.emit(
                VETO_EVENT[change],
                person_id,
                {
                    "round_id": r["id"],
                    "person_id": person_id,
                    "unit_code": unit,
                    "violation_id": violation_id,
                    "notice_id": notice_id,
                    "agency": agency,
                    "reason": reason,
                },
            )


def _status(uow: UnitOfWork, round_id, person_id) -> str | None:
    return uow.session.execute(
        sa.select(outcomes.c.status).where(outcomes.c.round_id == round_id, outcomes.c.person_id == person_id)
    ).scalar()


# -- consumers of gateway.inbound.v1 -------------------------------------------------------------
def on_violation_notice(uow_factory: UowFactory, envelope: Envelope) -> None:
    with uow_factory() as uow:
        _on_violation_notice(uow, envelope.data)
        uow.commit()


def _on_violation_notice(uow: UnitOfWork, d) -> None:
    session = uow.session
    if session.execute(sa.select(violations.c.id).where(_notice(d["agency"], d["notice_id"]))).first():
        return  # the same notice again (a retry by the agency): nothing new
    person_id = session.execute(
        sa.select(people.c.person_id).where(people.c.id_digest == d["id_digest"], people.c.status == "active")
    ).scalar()
    record(
        uow,
        person_id=person_id,
        id_digest=d["id_digest"],
        case_reference=d["case_reference"],
        violation_type=d["violation_type"],
        occurred_on=dt.date.fromisoformat(d["occurred_on"]),
        authority=d["authority"],
        recorded_by=f"agency:{d['agency']}",
        notice_id=d["notice_id"],
        agency=d["agency"],
    )


def _notice(agency: str, notice_id: str):
    return sa.and_(violations.c.agency == agency, violations.c.notice_id == notice_id)


def on_violation_rescinded(uow_factory: UowFactory, envelope: Envelope) -> None:
    d = envelope.data
    with uow_factory() as uow:
        row = uow.session.execute(
            sa.select(violations.c.id, violations.c.status).where(_notice(d["agency"], d["original_notice_id"]))
        ).first()
        if row is None or row.status == "rescinded":
            return
        rescind(uow, row.id, f"{d['agency']} 撤销通报：{d['reason']}", d["notice_id"])
        uow.commit()


def staff_record(uow_factory: UowFactory, principal: Principal, person_id: str, body: dict) -> str:
    """Record a violation with its evidence for a person in the caller's scope; returns its id."""
    principal.require_role("evaluator")
    with uow_factory() as uow:
        unit = uow.session.execute(sa.select(people.c.unit_code).where(people.c.person_id == person_id)).scalar()
        if unit is None or not principal.sees(unit):
            raise NotFound("未找到该人员", "No such person")
        _require_rounds_open_to(uow, principal, person_id, body["occurred_on"])
        violation_id = record(uow, person_id=person_id, id_digest=None, recorded_by=principal.subject, **body)
        uow.commit()
        return violation_id


def staff_rescind(uow_factory: UowFactory, principal: Principal, violation_id: str, reason: str) -> None:
    """Rescind a staff-recorded violation in the caller's scope; an agency's notice only its agency lifts."""
    principal.require_role("evaluator")
    with uow_factory() as uow:
        _staff_rescind(uow, principal, violation_id, reason)
        uow.commit()


def _staff_rescind(uow: UnitOfWork, principal: Principal, violation_id: str, reason: str) -> None:
    session = uow.session
    row = session.execute(sa.select(violations).where(violations.c.id == violation_id)).mappings().first()
    person_id = row["person_id"] if row else None
    unit = session.execute(sa.select(people.c.unit_code).where(people.c.person_id == person_id)).scalar()
    if unit is None or not principal.sees(unit):
        raise NotFound("未找到该违法违纪记录", "No such violation record")
    if row["agency"]:
        raise Forbidden(
            "机关通报的记录只能由该机关撤销",
            "An agency's notice can be rescinded only by that agency",
            agency=row["agency"],
        )
    _require_rounds_open_to(uow, principal, person_id, row["occurred_on"])
    rescind(uow, violation_id, reason)


def _require_rounds_open_to(uow: UnitOfWork, principal: Principal, person_id: str, occurred_on: dt.date) -> None:
    """Refuse a staff change that would recompute a round above the caller or one already reviewed."""
    for r in _touched_rounds(uow, person_id, occurred_on):
        principal.require_scope(r["scope_unit"])
        if r["state"] != "scoring_closed":
            raise Conflict(
                "该人员所在的评价轮次已审核或已发布，不能再由工作人员更改违法违纪记录",
                "A round this change would recompute is already reviewed or published; staff cannot change it now",
                round_id=r["id"],
                round_state=r["state"],
            )
