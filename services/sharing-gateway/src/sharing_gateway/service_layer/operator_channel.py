"""The operator's own channel, for setting up a deployment: ``gateway-admin issue-key`` and
``register-notice-key`` give an agency its very first API key and notice key, when no gateway
admin exists yet who could approve them. Anything later (a second key, a key after every one was
revoked or retired) goes through two gateway admins (``approvals``). Both are in the ledger,
naming the operator as who asked and who approved.
"""

from __future__ import annotations

import datetime as dt
import uuid

from chassis.errors import Conflict, NotFound
from sharing_gateway.service_layer import agencies, approvals, notice_keys
from sharing_gateway.service_layer.unit_of_work import UnitOfWork, UowFactory


class NotBootstrap(Conflict):
    code, title_zh, title_en = "four-eyes-required", "须经两名管理员", "Two gateway admins are required"


def bootstrap_key(uow_factory: UowFactory, agency: str, operator: str, overlap: dt.timedelta) -> str:
    """The operator's ``gateway-admin issue-key``: only an agency's very first key, when a deployment
    is set up (no gateway admin can approve yet). Any later key, even after every key was revoked,
    goes through two gateway admins. In the ledger too."""
    with uow_factory() as uow:
        key = _bootstrap_key(uow, agency, operator, overlap)
        uow.commit()
        return key


def _bootstrap_key(uow: UnitOfWork, agency: str, operator: str, overlap: dt.timedelta) -> str:
    if agencies.has_keys(uow, agency):
        raise NotBootstrap(
            "该机构已有接口密钥；新密钥须由一名共享平台管理员申请、另一名批准",
            "The agency already has an API key; a new one is asked for by one gateway admin and approved by another "
            "(POST /agencies/{code}/key-requests)",
        )
    key = agencies.issue_key(uow, agency, operator, overlap)
    row = {"id": str(uuid.uuid4()), "action": approvals.ISSUE_KEY, "agency": agency, "policy_version": None}
    approvals.record(uow, {**row, "key_id": key.split(".")[1]}, "approved", operator, operator, channel="operator CLI")
    return key


def bootstrap_notice_key(uow_factory: UowFactory, agency: str, public_key: str, operator: str) -> str:
    """The operator's ``gateway-admin register-notice-key``: only an agency's first notice key, when a
    deployment is set up; any later one through two gateway admins. In the ledger too."""
    with uow_factory() as uow:
        kid = _bootstrap_notice_key(uow, agency, public_key, operator)
        uow.commit()
        return kid


def _bootstrap_notice_key(uow: UnitOfWork, agency: str, public_key: str, operator: str) -> str:
    if approvals.in_force_version(uow, agency) is None:
        raise NotFound("没有这个机构", "No such agency")
    if notice_keys.has_any(uow, agency):
        raise NotBootstrap(
            "该机构已登记过通报签名公钥；新公钥须由一名共享平台管理员申请、另一名批准",
            "The agency already has a notice key; another is asked for by one gateway admin and approved by another "
            "(POST /agencies/{code}/notice-keys)",
        )
    kid = notice_keys.register(uow, agency, public_key, operator)
    row = {"id": str(uuid.uuid4()), "action": approvals.REGISTER_NOTICE_KEY, "agency": agency, "policy_version": None}
    approvals.record(uow, {**row, "public_key": public_key}, "approved", operator, operator, channel="operator CLI")
    return kid
