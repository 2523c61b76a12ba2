"""Data grants in the database, and the policy in force they make with the policy files.

``effective`` is the one answer to "what is this agency's policy now": the approved file and the
grants in force at the agency's grant revision (``domain.grants.compose``). Delivery, the held
events' resumption, the catalogue's ``granted`` and ``GET /agency`` all ask it. ``add`` (an
unconditional item on application, or an approval by a second gateway admin) and ``expire_due``
(the worker, at a grant's end) move the revision on by one, under the agency's row lock, and record
the step in the ledger under the new version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import sqlalchemy as sa

from chassis.errors import Conflict
from chassis.sla_clock import SlaClock
from chassis.work_calendar import WorkCalendar
from sharing_gateway.adapters.data_request_tables import data_requests, policy_grants
from sharing_gateway.adapters.tables import agencies
from sharing_gateway.domain import data_requests as lifecycle
from sharing_gateway.domain import grants as rule
from sharing_gateway.domain.policy import Policy
from sharing_gateway.service_layer import ledger
from sharing_gateway.service_layer.unit_of_work import UnitOfWork

WORKER = "gateway-worker"


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def effective(uow: UnitOfWork, policies: Mapping[str, Policy]) -> dict[str, Policy]:
    """Each agency's policy file with its grants in force layered on it, at its grant revision."""
    codes = list(policies)
    revisions = uow.grants.revisions(codes)
    in_force: dict[str, list[rule.Grant]] = {}
    for r in uow.grants.in_force(codes):
        at = revisions.get(r["agency"])
        if at is None or r["granted_revision"] > at or (r["ended_revision"] is not None and r["ended_revision"] <= at):
            continue  # granted or ended after the revision read above: not what its label names
        in_force.setdefault(r["agency"], []).append(
            rule.Grant(r["event_type"], tuple(r["fields"]), r["region"], r["purpose"], _aware(r["ends_at"]))
        )
    return {
        code: rule.compose(p, in_force.get(code, []), revisions[code]) if code in revisions else p
        for code, p in policies.items()
    }


def effective_one(uow: UnitOfWork, policies: Mapping[str, Policy], agency: str) -> Policy:
    return effective(uow, {agency: policies[agency]})[agency]


def _next_revision(uow: UnitOfWork, agency: str) -> int:
    uow.ledger.lock()  # before the agency's row: the one lock order (``LedgerRepository.lock``)
    bump = agencies.update().where(agencies.c.code == agency).values(grant_revision=agencies.c.grant_revision + 1)
    return int(uow.session.execute(bump.returning(agencies.c.grant_revision)).scalar_one())


def add(
    uow: UnitOfWork,
    policies: Mapping[str, Policy],
    agency: str,
    request_id: str,
    items: Sequence[Mapping],
    region: str,
    purpose: str,
    ends_at: dt.datetime,
    now: dt.datetime,
) -> str:
    """Grant ``items`` ([{event, fields}]) to the agency from the next revision; returns the new
    version label (the caller records the step in the ledger under it)."""
    revision = _next_revision(uow, agency)
    for item in items:
        uow.session.execute(
            policy_grants.insert(),
            dict(
                agency=agency,
                request_id=request_id,
                event_type=item["event"],
                fields=list(item["fields"]),
                region=region,
                purpose=purpose,
                ends_at=ends_at,
                granted_revision=revision,
                granted_at=now,
            ),
        )
    return effective_one(uow, policies, agency).version_label


def carry_out(
    uow: UnitOfWork,
    policies: Mapping[str, Policy],
    calendar: WorkCalendar,
    request_id: str,
    requested_by: str,
    approved_by: str,
    now: dt.datetime,
) -> str:
    """A second gateway admin confirms a data request's approval or narrowing: the grant is in force
    from the next revision, the request is answered (its clock stops) and the step is in the ledger
    under the new version, which is returned."""
    row = uow.session.execute(sa.select(data_requests).where(data_requests.c.id == request_id)).mappings().one()
    decision = row["decision"]
    if row["state"] != lifecycle.PROPOSED or decision is None:
        raise Conflict("该数据申请已不在待批准状态", "The data request no longer awaits this approval")
    if "dry_run" not in decision:  # the approver decides knowing what the agency would have received
        raise Conflict(
            "历史数据演练结果尚未附上，请稍后再批准",
            "The dry run over history is not attached to the decision yet; approve once it is",
        )
    end = rule.ends_at(dt.date.fromisoformat(decision["ends_on"]))
    if end <= now:
        raise Conflict(
            "批准时申请的期限已过，请重新申请", "The grant's end has passed before its approval; apply again"
        )
    agency = row["agency"]
    version = add(uow, policies, agency, request_id, decision["items"], decision["region"], row["purpose"], end, now)
    stopped = lifecycle.moved_clock(SlaClock.of(row), lifecycle.GRANTED, calendar, now)
    uow.session.execute(
        data_requests.update()
        .where(data_requests.c.id == request_id)
        .values(state=lifecycle.GRANTED, answered_at=now, due_at=None, **stopped.columns())
    )
    ledger.append_administration(
        uow, agency, f"cn.tongxin.gateway.data_request.{decision['outcome']}", f"{request_id}:{decision['outcome']}",
        {"request_id": request_id, **{k: decision[k] for k in ("items", "region", "ends_on")}}, version,
        requested_by, approved_by,
    )  # fmt: skip
    return version


def expire_due(uow_factory, policies: Mapping[str, Policy], now: dt.datetime | None = None) -> int:
    """End every grant whose end has come (the worker): one new revision per agency, in the ledger."""
    now = now or dt.datetime.now(dt.UTC)
    ended = 0
    with uow_factory() as uow:
        due = (
            uow.session.execute(
                sa.select(policy_grants)
                .where(policy_grants.c.ended_at.is_(None), policy_grants.c.ends_at <= now)
                .order_by(policy_grants.c.id)
            )
            .mappings()
            .all()
        )
        by_agency: dict[str, list] = {}
        for r in due:
            by_agency.setdefault(r["agency"], []).append(r)
        for agency, rows in by_agency.items():
            revision = _next_revision(uow, agency)
            ids = [r["id"] for r in rows]
            uow.session.execute(
                policy_grants.update()
                .where(policy_grants.c.id.in_(ids), policy_grants.c.ended_at.is_(None))
                .values(ended_revision=revision, ended_at=now)
            )
            version = effective_one(uow, policies, agency).version_label if agency in policies else ""
            facts = {
                "requests": sorted({r["request_id"] for r in rows}),
                "items": [{"event": r["event_type"], "fields": r["fields"], "region": r["region"]} for r in rows],
            }
            ledger.append_administration(
                uow, agency, "cn.tongxin.gateway.data_grant.expired", f"grants:{agency}:{revision}", facts, version,
                WORKER,
            )  # fmt: skip
            ended += len(rows)
        uow.commit()
    return ended
