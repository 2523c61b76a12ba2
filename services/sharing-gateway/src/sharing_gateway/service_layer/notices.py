"""Notices agencies send in: violations (and their rescission) from the courts and public
security, membership confirmed or ended from the NPC and the CPPCC, and public security's answers
to severe stability reports (received, handling, closed; ``notice_contents``).

A notice is a JWS signed with one of the agency's registered keys (``domain.jws``,
``notice_keys``) over the CloudEvent's exact bytes; nothing is parsed before the signature
holds. It is then checked against the agency's grants and its schema, matched to a person by
the digest of the ID number (the raw number is never stored or passed on), recorded in the
disclosure ledger with the SHA-256 of its content, answered with a signed receipt that carries
that digest (and goes into the agency's feed, hence into the ledger too), and published to
``gateway.inbound.v1``. The receipt never says whether the person is known: the path and the
answer are the same either way. The same notice sent again returns the first receipt and
changes nothing; the same id with other content is a conflict that changes nothing either.

An agency acts only within its policy's region, as it receives only from there: a notice about
a person not known (yet) in that region is answered and recorded the same way, and parked until
the person is (``parked_notices``). A paused agency may not send notices at all (403, nothing
written): pausing is how a leaked credential is stopped at once, in both directions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from marshmallow import ValidationError

from chassis import idnumber
from chassis.contracts.feed import RECEIPT
from chassis.contracts.stability import SEVERE_REPORTED
from chassis.digests import DigestKey
from chassis.errors import AppError, Conflict, Forbidden, InvalidInput, Unauthorized
from sharing_gateway.adapters.tables import agencies, feed_entries, notices
from sharing_gateway.domain import jws
from sharing_gateway.service_layer import data_grants, feeds, ledger, notice_keys, parked_notices
from sharing_gateway.service_layer.notice_contents import INBOUND, KEYED_BY, KINDS, NOTICE_TYPES, NoticeEnvelope
from sharing_gateway.service_layer.unit_of_work import UnitOfWork, UowFactory


@dataclasses.dataclass(frozen=True)
class Intake:
    """What taking notices in needs: the audience agencies sign for, and the ID-number digest key
    (with those of a rotation in progress, to find the person)."""

    audience: str
    id_key: DigestKey
    id_keys: Sequence[DigestKey]


class SignatureRefused(Unauthorized):
    code, title_zh, title_en = "signature-refused", "通报签名无效", "The notice's signature is not accepted"


class NotSigned(AppError):
    status, code, title_zh, title_en = 400, "not-signed", "通报未签名", "The notice is not a signed JWS"


class MalformedContent(AppError):
    status, code = 400, "malformed-content"
    title_zh, title_en = "签名内容不是有效的 JSON", "The signed content is not sound JSON"


def verified(uow: UnitOfWork, agency: str, body: bytes, audience: str) -> tuple[dict, str, str]:
    """(the CloudEvent, the SHA-256 of its exact bytes, the kid) of a notice signed with one of the
    agency's own keys and addressed to this gateway (``audience``); refused before any of its
    content is looked at otherwise."""
    try:
        signed = jws.parse(body)
    except jws.Refused as exc:
        raise NotSigned(exc.zh, exc.en) from None
    try:
        content = jws.verify(signed, notice_keys.lookup(uow, agency), audience)
    except jws.Refused as exc:
        raise SignatureRefused(exc.zh, exc.en) from None
    try:
        event = jws.json_object(content, "签名的 CloudEvent ", "signed CloudEvent")
    except jws.Refused as exc:
        raise MalformedContent(exc.zh, exc.en) from None
    try:
        event = NoticeEnvelope().load(event, unknown="exclude")
    except ValidationError as exc:
        messages = exc.messages
        raise InvalidInput("通报不是有效的 CloudEvent", f"Not a CloudEvent: {messages}", errors=messages) from None
    return event, signed.digest, signed.kid


class AgencyPaused(Forbidden):
    code, title_zh, title_en = "agency-paused", "贵机构的通道已暂停", "Your agency's channel is paused"


def receive(
    uow_factory: UowFactory, delivery: feeds.Delivery, intake: Intake, agency: str, body: bytes
) -> tuple[dict, bool]:
    """(the signed receipt, whether this call recorded the notice)."""
    with uow_factory() as uow:
        receipt, created = _receive(uow, delivery, intake, agency, body, dt.datetime.now(dt.UTC))
        uow.commit()
        return receipt, created


def _receive(
    uow: UnitOfWork, delivery: feeds.Delivery, intake: Intake, agency: str, body: bytes, now: dt.datetime
) -> tuple[dict, bool]:
    if uow.session.execute(sa.select(agencies.c.paused).where(agencies.c.code == agency)).scalar():
        raise AgencyPaused(
            "贵机构的通道已被共享平台管理员暂停，通报未被接收", "Your agency is paused; the notice was not taken"
        )
    event, content_digest, kid = verified(uow, agency, body, intake.audience)
    notice_type = str(event.get("type", ""))
    kind = NOTICE_TYPES.get(notice_type)
    policy = data_grants.effective_one(uow, delivery.policies, agency)  # the version the ledger names
    if kind is None:
        raise InvalidInput("未知的通报类型", f"Unknown notice type; use one of {sorted(NOTICE_TYPES)}", field="type")
    if kind not in policy.notice_types:
        raise Forbidden("贵机构无权发送此类通报", "Your agency may not send this type of notice")
    notice_id = event["id"].strip()
    if not notice_id:
        raise InvalidInput("通报须有 1–40 个字符的 id", "A notice needs an id of 1-40 characters", field="id")
    previous = (
        uow.session.execute(sa.select(notices).where(notices.c.agency == agency, notices.c.notice_id == notice_id))
        .mappings()
        .first()
    )
    if previous is not None:
        if previous["content_digest"] != content_digest:
            raise Conflict(
                "该通报编号已用于内容不同的通报；未作任何改动",
                "This notice id was already used for different content; nothing was changed",
                notice_id=notice_id,
            )
        return previous["receipt"], False
    try:
        data = KINDS[kind]().load(event.get("data") or {})
    except ValidationError as exc:
        raise InvalidInput(
            "通报内容不完整或格式有误", f"Invalid notice data: {exc.messages}", errors=exc.messages
        ) from None
    if kind in KEYED_BY:
        _require_answered_report(uow, agency, str(data[KEYED_BY[kind]]))
    digest, person_id = None, None
    if "id_number" in data:
        number = idnumber.validate(data.pop("id_number"))
        digest = idnumber.digest(number, intake.id_key)
        during_rotation = [idnumber.digest(number, key) for key in intake.id_keys]
        person_id = parked_notices.person_in_region(uow, during_rotation, policy)
    if kind == "violation_rescinded":
        original = uow.session.execute(
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
        parked_notices.discard(uow, agency, data["original_notice_id"])
    received = now.isoformat()
    recorded = sorted({*data, *(["id_digest"] if digest else [])})
    ledger.append_notice(uow, agency, notice_type, content_digest, recorded, policy.version_label)
    payload = {"notice_id": notice_id, "agency": agency, "received_at": received, **_jsonable(data)}
    if digest:
        payload["id_digest"] = digest
    key = str(data[KEYED_BY[kind]]) if kind in KEYED_BY else digest or notice_id
    inbound = uow.prepare(INBOUND[kind], key, payload)
    parked = parked_notices.held(inbound) if digest and person_id is None else None
    if parked is None:
        uow.emit_held(inbound)
    receipt_data = {
        "notice_id": notice_id,
        "notice_type": kind,
        "received_at": received,
        "content_sha256": content_digest,
        "kid": kid,
        "status": "accepted",
    }
    entry = feeds.append(
        uow, delivery, agency, policy.version_label, f"receipt:{agency}:{notice_id}", RECEIPT, now, receipt_data
    )
    uow.session.execute(
        notices.insert(),
        dict(
            agency=agency,
            notice_id=notice_id,
            notice_type=kind,
            id_digest=digest,
            person_id=person_id,
            received_at=now,
            receipt=entry,
            content_digest=content_digest,
            parked=parked,
        ),
    )
    return entry, True


def _require_answered_report(uow: UnitOfWork, agency: str, report_id: str) -> None:
    """An answer to a stability report is taken only for a report the agency's own feed delivered:
    a report id it never received (another region's, one not severe, one learnt elsewhere) moves
    nothing, whatever the agency's notice types. The answer tells nothing the feed did not."""
    delivered = uow.session.execute(
        sa.select(feed_entries.c.seq).where(
            feed_entries.c.agency == agency,
            feed_entries.c.event_type == SEVERE_REPORTED,
            feed_entries.c.entry[("data", "report_id")].as_string() == report_id,
        )
    ).first()
    if delivered is None:
        raise InvalidInput(
            "贵机构的数据源中没有该编号的重大涉稳信息；未作任何改动",
            "No severe stability report with that id was delivered in your feed; nothing was changed",
            field="data.report_id",
        )


def _jsonable(data: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else str(v) if isinstance(v, uuid.UUID) else v
            for k, v in data.items()}  # fmt: skip
