"""Notices agencies send in: violations (and their rescission) from the courts and public
security, membership confirmed or ended from the NPC and the CPPCC.

Each is checked against the agency's grants and its schema, matched to a person by
the digest of the ID number (the raw number is never stored or passed on), answered
with a signed receipt that also goes into the agency's feed, and published to
``gateway.inbound.v1``. Sending the same notice id again returns the first receipt
and changes nothing.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from marshmallow import Schema, ValidationError, fields, validate

from chassis import idnumber
from chassis.errors import Conflict, Forbidden, InvalidInput
from chassis.outbox import Outbox
from sharing_gateway.adapters.tables import notices, outbox, people
from sharing_gateway.bootstrap import Gateway
from sharing_gateway.service_layer import feeds

PREFIX = "cn.tongxin.notice."
INBOUND = "cn.tongxin.gateway.notice."


class ViolationData(Schema):
    id_number = fields.String(required=True, metadata={"description": "18-digit resident ID number"})
    case_reference = fields.String(required=True, validate=validate.Length(min=1, max=200))
    violation_type = fields.String(required=True, validate=validate.Length(min=1, max=100))
    occurred_on = fields.Date(required=True)
    authority = fields.String(required=True, validate=validate.Length(min=1, max=200))


class RescindedData(Schema):
    original_notice_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))


class MembershipData(Schema):
    id_number = fields.String(required=True)
    body = fields.String(required=True, validate=validate.OneOf(["npc", "cppcc"]))
    level = fields.String(required=True, validate=validate.OneOf(["county", "city", "province", "national"]))
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    effective_on = fields.Date(required=True)


KINDS = {
    "violation": ViolationData,
    "violation_rescinded": RescindedData,
    "membership_confirmed": MembershipData,
    "membership_ended": MembershipData,
}


def receive(conn, gw: Gateway, agency: str, event: dict, now: dt.datetime | None = None) -> tuple[dict, bool]:
    """(the signed receipt, whether this call recorded the notice)."""
    now = now or dt.datetime.now(dt.UTC)
    kind = str(event.get("type", "")).removeprefix(PREFIX).removesuffix(".v1")
    policy = gw.policies[agency]
    if kind not in KINDS or not str(event.get("type", "")).startswith(PREFIX):
        raise InvalidInput(
            "未知的通报类型", f"Unknown notice type; use {PREFIX}<kind>.v1 with kind in {sorted(KINDS)}", field="type"
        )
    if kind not in policy.notice_types:
        raise Forbidden("贵机构无权发送此类通报", "Your agency may not send this type of notice")
    notice_id = str(event.get("id") or "").strip()
    if not notice_id or len(notice_id) > 100:
        raise InvalidInput("通报须有 1–100 个字符的 id", "A notice needs an id of 1-100 characters", field="id")
    previous = (
        conn.execute(sa.select(notices).where(notices.c.agency == agency, notices.c.notice_id == notice_id))
        .mappings()
        .first()
    )
    if previous is not None:
        if previous["notice_type"] != kind:
            raise Conflict("该通报编号已用于另一类型的通报", "This notice id was already used for another type")
        return previous["receipt"], False
    try:
        data = KINDS[kind]().load(event.get("data") or {})
    except ValidationError as exc:
        raise InvalidInput(
            "通报内容不完整或格式有误", f"Invalid notice data: {exc.messages}", errors=exc.messages
        ) from None
    digest, person_id = None, None
    if "id_number" in data:
        number = idnumber.validate(data.pop("id_number"))
        digest = idnumber.digest(number, gw.settings.id_digest_key())
        person_id = conn.execute(sa.select(people.c.person_id).where(people.c.id_digest == digest)).scalar()
    if kind == "violation_rescinded":
        original = conn.execute(
            sa.select(notices.c.notice_type).where(
                notices.c.agency == agency, notices.c.notice_id == data["original_notice_id"]
            )
        ).scalar()
        if original != "violation":
            raise InvalidInput(
                "找不到贵机构发出的原违法违纪通报",
                "No violation notice of yours has that id",
                field="original_notice_id",
            )
    received = now.isoformat()
    payload = {"notice_id": notice_id, "agency": agency, "received_at": received, **_jsonable(data)}
    if digest:
        payload["id_digest"] = digest
    Outbox(outbox, feeds.SOURCE).add(conn, f"{INBOUND}{kind}.v1", digest or notice_id, payload)
    receipt_data = {
        "notice_id": notice_id,
        "notice_type": kind,
        "received_at": received,
        "matched": person_id is not None if digest else None,
        "status": "accepted",
    }
    entry = feeds.append(
        conn, gw, agency, policy.version_label, f"receipt:{agency}:{notice_id}", feeds.RECEIPT, now, receipt_data
    )
    conn.execute(
        notices.insert(),
        dict(
            agency=agency,
            notice_id=notice_id,
            notice_type=kind,
            id_digest=digest,
            person_id=person_id,
            received_at=now,
            receipt=entry,
        ),
    )
    return entry, True


def _jsonable(data: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}
