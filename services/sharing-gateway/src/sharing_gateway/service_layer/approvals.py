"""Gateway administration that one person must not do alone: the four-eyes rule.

Issuing (or rotating) an agency's API key, revoking one (it stops at once), registering or
retiring a public key it signs its notices with, and activating a new version of its policy
and granting an agency's data request (approving or narrowing it: a new policy version, ``data_grants``)
are asked for by one gateway admin and carried out only when a different gateway admin
approves; the requester cannot approve their own request. Both steps go into the disclosure
ledger (what, which agency, which policy version, and the subject ids of who asked and who
approved, covered by the record's hash), in the same chain as the deliveries. A gateway admin
acts only on agencies whose policy region lies in their own unit's subtree: a town cannot
touch the county court's access, and a request about such an agency is, to them, a request
that does not exist (404, as for a made-up id).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.errors import Conflict, Forbidden, NotFound
from chassis.work_calendar import WorkCalendar
from sharing_gateway.adapters.tables import admin_requests, agencies
from sharing_gateway.domain.policy import Policy
from sharing_gateway.service_layer import agencies as agency_service
from sharing_gateway.service_layer import data_grants, ledger, notice_keys
from sharing_gateway.service_layer.unit_of_work import UnitOfWork

ROLE = agency_service.ROLE
ISSUE_KEY, REVOKE_KEY, ACTIVATE_POLICY = "issue_key", "revoke_key", "activate_policy"
REGISTER_NOTICE_KEY, RETIRE_NOTICE_KEY = "register_notice_key", "retire_notice_key"
#: A data request's approval or narrowing (``data_answers.decide``); its two steps are recorded in the
#: ledger as the data request's own (``proposed``, then ``approved`` or ``narrowed``).
GRANT_DATA = "grant_data"
LEDGER_TYPE = {
    (ISSUE_KEY, "requested"): "cn.tongxin.gateway.admin.key_requested",
    (ISSUE_KEY, "approved"): "cn.tongxin.gateway.admin.key_issued",
    (REVOKE_KEY, "requested"): "cn.tongxin.gateway.admin.key_revocation_requested",
    (REVOKE_KEY, "approved"): "cn.tongxin.gateway.admin.key_revoked",
    (ACTIVATE_POLICY, "requested"): "cn.tongxin.gateway.admin.policy_activation_requested",
    (ACTIVATE_POLICY, "approved"): "cn.tongxin.gateway.admin.policy_activated",
    (REGISTER_NOTICE_KEY, "requested"): "cn.tongxin.gateway.admin.notice_key_requested",
    (REGISTER_NOTICE_KEY, "approved"): "cn.tongxin.gateway.admin.notice_key_registered",
    (RETIRE_NOTICE_KEY, "requested"): "cn.tongxin.gateway.admin.notice_key_retirement_requested",
    (RETIRE_NOTICE_KEY, "approved"): "cn.tongxin.gateway.admin.notice_key_retired",
}


def ask(
    uow: UnitOfWork,
    policies: Mapping[str, Policy],
    principal: Principal,
    agency: str,
    action: str,
    public_key: str | None = None,
    key_id: str | None = None,
    data_request_id: str | None = None,
) -> dict:
    """Record a request for a second gateway admin to approve (``public_key``: the notice key to
    register or retire; ``key_id``: the API key to revoke; ``data_request_id``: the data request
    whose decision is to be carried out)."""
    policy = agency_service.authorise(principal, policies, agency)
    version = None
    if action == ACTIVATE_POLICY:
        if in_force_version(uow, agency) == policy.file_label:
            raise Conflict("该机构的这一版共享政策已在执行", "This version of the agency's policy is already in force")
        version = policy.file_label
    if action == REGISTER_NOTICE_KEY:
        notice_keys.refuse_known(uow, public_key)
    elif action == RETIRE_NOTICE_KEY:
        notice_keys.in_force(uow, agency, notice_keys.kid_of(public_key))
    elif action == REVOKE_KEY:
        agency_service.key_in_force(uow, agency, key_id)
    waiting = uow.session.execute(
        sa.select(admin_requests.c.id).where(
            admin_requests.c.agency == agency,
            admin_requests.c.action == action,
            admin_requests.c.state == "pending",
            # one revocation per key at a time, not one per agency: two leaked keys are two requests
            admin_requests.c.key_id == key_id if action == REVOKE_KEY else sa.true(),
            admin_requests.c.data_request_id == data_request_id if action == GRANT_DATA else sa.true(),
        )
    ).scalar()
    if waiting:
        raise Conflict(
            "已有一项同类申请在等待批准",
            "A request like this is already waiting for approval",
            waiting_request_id=waiting,
        )
    row = dict(
        id=str(uuid.uuid4()),
        action=action,
        agency=agency,
        policy_version=version,
        public_key=public_key if action in (REGISTER_NOTICE_KEY, RETIRE_NOTICE_KEY) else None,
        key_id=key_id if action == REVOKE_KEY else None,
        data_request_id=data_request_id if action == GRANT_DATA else None,
        state="pending",
        requested_by=principal.subject,
        requested_at=dt.datetime.now(dt.UTC),
        approved_by=None,
        approved_at=None,
    )
    uow.session.execute(admin_requests.insert(), row)
    if action != GRANT_DATA:
        record(uow, row, "requested", principal.subject)
    return row


def approve(
    uow: UnitOfWork,
    policies: Mapping[str, Policy],
    principal: Principal,
    request_id: str,
    overlap: dt.timedelta,
    calendar: WorkCalendar,
) -> dict:
    """Carry out a pending request as its second gateway admin; a key is returned once, here."""
    principal.require_role(ROLE)
    row = uow.session.execute(sa.select(admin_requests).where(admin_requests.c.id == request_id)).mappings().first()
    if row is None or row["agency"] not in policies or not principal.sees(policies[row["agency"]].region):
        raise NotFound("没有这项申请", "No such request")  # the same for a made-up id and another region's
    policy = agency_service.authorise(principal, policies, row["agency"])
    if row["requested_by"] == principal.subject:
        raise Forbidden(
            "申请人不能批准自己的申请，须由另一名共享平台管理员批准",
            "The requester cannot approve their own request; a second gateway admin approves it",
        )
    if row["state"] != "pending":
        raise Conflict("该申请已处理", "The request has already been decided", state=row["state"])
    if row["action"] == ACTIVATE_POLICY and row["policy_version"] != policy.file_label:
        raise Conflict(
            "申请之后政策文件又有变动，请重新申请",
            "The policy changed after the request; ask again for the new version",
        )
    now = dt.datetime.now(dt.UTC)
    decided = uow.session.execute(
        admin_requests.update()
        .where(admin_requests.c.id == request_id, admin_requests.c.state == "pending")
        .values(state="approved", approved_by=principal.subject, approved_at=now)
    ).rowcount
    if decided != 1:  # a second approver got there first
        raise Conflict("该申请已处理", "The request has already been decided")
    result = {**row, "state": "approved", "approved_by": principal.subject, "approved_at": now}
    actor = f"{row['requested_by']}+{principal.subject}"
    if row["action"] == ISSUE_KEY:
        result["api_key"] = agency_service.issue_key(uow, row["agency"], actor, overlap, now)
        result["key_id"] = result["api_key"].split(".")[1]  # its public part, for a later revocation
    elif row["action"] == REVOKE_KEY:
        agency_service.revoke_key(uow, row["agency"], row["key_id"], now)
    elif row["action"] == REGISTER_NOTICE_KEY:
        result["kid"] = notice_keys.register(uow, row["agency"], row["public_key"], actor, now)
    elif row["action"] == RETIRE_NOTICE_KEY:
        result["kid"] = notice_keys.kid_of(row["public_key"])
        notice_keys.retire(uow, row["agency"], result["kid"], now)
    elif row["action"] == GRANT_DATA:
        result["policy_version"] = data_grants.carry_out(
            uow, policies, calendar, row["data_request_id"], row["requested_by"], principal.subject, now
        )
        return result
    else:
        uow.ledger.lock()  # before the agency's row: the one lock order (``LedgerRepository.lock``)
        uow.session.execute(
            agencies.update().where(agencies.c.code == row["agency"]).values(policy_version=policy.file_label)
        )
    record(uow, result, "approved", row["requested_by"], principal.subject)
    return result


def withdraw(uow: UnitOfWork, request_id: str) -> None:
    """A pending request its subject no longer needs (a data request refused while its approval
    waited): no longer listed, and no longer approvable."""
    uow.session.execute(
        admin_requests.update()
        .where(admin_requests.c.id == request_id, admin_requests.c.state == "pending")
        .values(state="withdrawn")
    )


def pending(uow: UnitOfWork, policies: Mapping[str, Policy], principal: Principal) -> list[dict]:
    """Requests waiting for a second gateway admin, for agencies whose region the caller's unit
    contains (gateway admins and auditors)."""
    principal.require_role(ROLE, "auditor")  # not admin: administration is separated from it
    rows = uow.session.execute(
        sa.select(admin_requests).where(admin_requests.c.state == "pending").order_by(admin_requests.c.requested_at)
    ).mappings()
    return [dict(r) for r in rows if r["agency"] in policies and principal.sees(policies[r["agency"]].region)]


def _facts(row) -> dict:
    """What the request was about, beyond who: the notice key's kid or the API key's public id."""
    facts = {}
    if row.get("public_key"):
        facts["kid"] = notice_keys.kid_of(row["public_key"])
    if row.get("key_id"):
        facts["key_id"] = row["key_id"]
    return facts


def in_force_version(uow: UnitOfWork, agency: str) -> str | None:
    return uow.session.execute(sa.select(agencies.c.policy_version).where(agencies.c.code == agency)).scalar()


def record(
    uow: UnitOfWork, row: dict, step: str, requested_by: str, approved_by: str | None = None, channel: str | None = None
) -> None:
    """One step of a request in the disclosure ledger: what, and who asked and who approved."""
    facts = {"request_id": row["id"], "action": row["action"], **_facts(row)}
    if channel:
        facts["channel"] = channel
    version = row["policy_version"] or in_force_version(uow, row["agency"])
    ledger.append_administration(
        uow,
        row["agency"],
        LEDGER_TYPE[(row["action"], step)],
        f"{row['id']}:{step}",
        facts,
        version,
        requested_by,
        approved_by,
    )
