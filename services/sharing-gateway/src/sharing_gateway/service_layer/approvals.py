"""Gateway administration that one person must not do alone: the four-eyes rule.

Issuing (or rotating) an agency's API key, registering a public key it signs its notices
with, and activating a new version of its policy are asked for by one gateway admin and
carried out only when a different gateway admin approves; the requester cannot approve
their own request. Both steps go into the disclosure ledger (who, which agency, which policy version), in the same hash
chain as the deliveries. A gateway admin acts only on agencies whose policy region
lies in their own unit's subtree: a town cannot touch the county court's access.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from chassis.auth import Principal
from chassis.errors import Conflict, Forbidden, NotFound
from sharing_gateway.adapters.tables import admin_requests, agencies
from sharing_gateway.bootstrap import Gateway
from sharing_gateway.service_layer import agencies as agency_service
from sharing_gateway.service_layer import ledger, notice_keys

ROLE = agency_service.ROLE
ISSUE_KEY, ACTIVATE_POLICY = "issue_key", "activate_policy"
REGISTER_NOTICE_KEY, RETIRE_NOTICE_KEY = "register_notice_key", "retire_notice_key"
LEDGER_TYPE = {
    (ISSUE_KEY, "requested"): "cn.tongxin.gateway.admin.key_requested",
    (ISSUE_KEY, "approved"): "cn.tongxin.gateway.admin.key_issued",
    (ACTIVATE_POLICY, "requested"): "cn.tongxin.gateway.admin.policy_activation_requested",
    (ACTIVATE_POLICY, "approved"): "cn.tongxin.gateway.admin.policy_activated",
    (REGISTER_NOTICE_KEY, "requested"): "cn.tongxin.gateway.admin.notice_key_requested",
    (REGISTER_NOTICE_KEY, "approved"): "cn.tongxin.gateway.admin.notice_key_registered",
    (RETIRE_NOTICE_KEY, "requested"): "cn.tongxin.gateway.admin.notice_key_retirement_requested",
    (RETIRE_NOTICE_KEY, "approved"): "cn.tongxin.gateway.admin.notice_key_retired",
}


def ask(conn, gw: Gateway, principal: Principal, agency: str, action: str, public_key: str | None = None) -> dict:
    """Record a request for a second gateway admin to approve (``public_key``: the key to register)."""
    policy = agency_service.authorise(principal, gw.policies, agency)
    version = None
    if action == ACTIVATE_POLICY:
        if _in_force(conn, agency) == policy.version_label:
            raise Conflict("该机构的这一版共享政策已在执行", "This version of the agency's policy is already in force")
        version = policy.version_label
    if action == REGISTER_NOTICE_KEY:
        notice_keys.refuse_known(conn, public_key)
    elif action == RETIRE_NOTICE_KEY:
        notice_keys.in_force(conn, agency, notice_keys.kid_of(public_key))
    waiting = conn.execute(
        sa.select(admin_requests.c.id).where(
            admin_requests.c.agency == agency, admin_requests.c.action == action, admin_requests.c.state == "pending"
        )
    ).scalar()
    if waiting:
        raise Conflict(
            "已有一项同类申请在等待批准", "A request like this is already waiting for approval", request_id=waiting
        )
    row = dict(
        id=str(uuid.uuid4()),
        action=action,
        agency=agency,
        policy_version=version,
        public_key=public_key if action in (REGISTER_NOTICE_KEY, RETIRE_NOTICE_KEY) else None,
        state="pending",
        requested_by=principal.subject,
        requested_at=dt.datetime.now(dt.UTC),
        approved_by=None,
        approved_at=None,
    )
    conn.execute(admin_requests.insert(), row)
    _record(conn, row, "requested", {"requested_by": principal.subject, **_key_facts(row)})
    return row


def approve(conn, gw: Gateway, principal: Principal, request_id: str, overlap: dt.timedelta) -> dict:
    """Carry out a pending request as its second gateway admin; a key is returned once, here."""
    row = conn.execute(sa.select(admin_requests).where(admin_requests.c.id == request_id)).mappings().first()
    if row is None:
        raise NotFound("没有这项申请", "No such request")
    policy = agency_service.authorise(principal, gw.policies, row["agency"])
    if row["requested_by"] == principal.subject:
        raise Forbidden(
            "申请人不能批准自己的申请，须由另一名共享平台管理员批准",
            "The requester cannot approve their own request; a second gateway admin approves it",
        )
    if row["state"] != "pending":
        raise Conflict("该申请已处理", "The request has already been decided", state=row["state"])
    if row["action"] == ACTIVATE_POLICY and row["policy_version"] != policy.version_label:
        raise Conflict(
            "申请之后政策文件又有变动，请重新申请",
            "The policy changed after the request; ask again for the new version",
        )
    now = dt.datetime.now(dt.UTC)
    decided = conn.execute(
        admin_requests.update()
        .where(admin_requests.c.id == request_id, admin_requests.c.state == "pending")
        .values(state="approved", approved_by=principal.subject, approved_at=now)
    ).rowcount
    if decided != 1:  # a second approver got there first
        raise Conflict("该申请已处理", "The request has already been decided")
    result = {**row, "state": "approved", "approved_by": principal.subject, "approved_at": now}
    actor = f"{row['requested_by']}+{principal.subject}"
    if row["action"] == ISSUE_KEY:
        result["api_key"] = agency_service.issue_key(conn, row["agency"], actor, overlap, now)
    elif row["action"] == REGISTER_NOTICE_KEY:
        result["kid"] = notice_keys.register(conn, row["agency"], row["public_key"], actor, now)
    elif row["action"] == RETIRE_NOTICE_KEY:
        result["kid"] = notice_keys.kid_of(row["public_key"])
        notice_keys.retire(conn, row["agency"], result["kid"], now)
    else:
        conn.execute(
            agencies.update().where(agencies.c.code == row["agency"]).values(policy_version=policy.version_label)
        )
    who = {"requested_by": row["requested_by"], "approved_by": principal.subject, **_key_facts(row)}
    _record(conn, result, "approved", who)
    return result


def pending(conn, gw: Gateway, principal: Principal) -> list[dict]:
    """Requests waiting for a second gateway admin, for agencies whose region the caller's unit
    contains (gateway admins and auditors)."""
    principal.require_role(ROLE, "auditor")
    rows = conn.execute(
        sa.select(admin_requests).where(admin_requests.c.state == "pending").order_by(admin_requests.c.requested_at)
    ).mappings()
    return [dict(r) for r in rows if r["agency"] in gw.policies and principal.sees(gw.policies[r["agency"]].region)]


def record_operator_key(conn, agency: str, operator: str) -> None:
    """The operator's ``gateway-admin issue-key`` (bootstrapping a deployment) goes into the ledger too."""
    row = {"id": str(uuid.uuid4()), "action": ISSUE_KEY, "agency": agency, "policy_version": None}
    _record(conn, row, "approved", {"requested_by": operator, "approved_by": operator, "channel": "operator CLI"})


def record_operator_notice_key(conn, agency: str, public_key: str, operator: str) -> str:
    """The operator's ``gateway-admin register-notice-key`` (setting up a deployment), in the ledger too."""
    kid = notice_keys.register(conn, agency, public_key, operator)
    row = {"id": str(uuid.uuid4()), "action": REGISTER_NOTICE_KEY, "agency": agency, "policy_version": None}
    facts = {"requested_by": operator, "approved_by": operator, "channel": "operator CLI", "kid": kid}
    _record(conn, row, "approved", facts)
    return kid


def _key_facts(row) -> dict:
    return {"kid": notice_keys.kid_of(row["public_key"])} if row.get("public_key") else {}


def _in_force(conn, agency: str) -> str | None:
    return conn.execute(sa.select(agencies.c.policy_version).where(agencies.c.code == agency)).scalar()


def _record(conn, row: dict, step: str, who: dict) -> None:
    facts = {"request_id": row["id"], "action": row["action"], **who}
    version = row["policy_version"] or _in_force(conn, row["agency"])
    ledger.append_administration(
        conn, row["agency"], LEDGER_TYPE[(row["action"], step)], f"{row['id']}:{step}", facts, version
    )
