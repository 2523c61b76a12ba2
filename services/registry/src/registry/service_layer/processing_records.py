"""Records of processing a person's sensitive data inside the department (PIPL Art. 55-56): a
reveal in the API or an export with full ID numbers. Each is an audit row (``sensitive_disclosures``)
and, in the same transaction, a ``registry.processing.v1`` event the gateway keeps in the person's
disclosure record: whose data, which fields (names), who, through which channel, for what purpose;
never a value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from chassis.auth import Principal
from chassis.contracts.processing import SENSITIVE_PROCESSED
from chassis.errors import InvalidInput
from chassis.sensitive import SensitiveDataRefused
from registry.adapters.tables import disclosures
from registry.service_layer.unit_of_work import UnitOfWork


def record(
    uow: UnitOfWork,
    principal: Principal,
    person_ids: Iterable[str],
    fields: list[str],
    purpose: str,
    channel: str,
    at: dt.datetime,
) -> None:
    """One audit row and one event per person whose ``fields`` were processed."""
    rows = [
        {"person_id": p, "fields": sorted(fields), "purpose": purpose, "actor": principal.subject,
         "channel": channel, "at": at}
        for p in person_ids
    ]  # fmt: skip
    if not rows:
        return
    uow.session.execute(disclosures.insert(), rows)
    events = [(SENSITIVE_PROCESSED, r["person_id"], _event(r, principal)) for r in rows]
    try:
        uow.emit_many(events)
    except SensitiveDataRefused:  # the stated purpose itself holds an ID number, a phone number ...
        raise InvalidInput(
            "用途（purpose）中不得包含身份证号、电话等敏感个人信息",
            "The purpose must not contain sensitive personal data (ID or phone numbers ...)",
            field="purpose",
        ) from None


def _event(row: dict, principal: Principal) -> dict:
    return {
        "person_id": row["person_id"],
        "processed_fields": row["fields"],
        "channel": row["channel"],
        "purpose": row["purpose"],
        "actor": row["actor"],
        "actor_unit": principal.unit,
        "at": row["at"].isoformat(),
    }
