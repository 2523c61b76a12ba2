"""Delivering events into agencies' feeds, each an ordered, gap-free, signed sequence.

For every agency whose policy grants an event type, in the agency's region and
audience, the gateway filters the event's data (``policy.apply``), gives it the
agency's next sequence number, signs it, stores it for the HTTP feed, stages it for
``feed.<agency>.v1`` in the outbox, records the disclosure in the ledger and in the
disclosure record of each person the source event is about (``disclosure_index``): all in
one transaction, so a crash leaves either all of it or none. An event already in an
agency's feed is not delivered again. While an agency's feed is paused, or its deployed
policy awaits a second gateway admin's approval, its events are held, and delivered in
their order on resume or approval (under the policy then in force). The policy in force is the
agency's approved file with its data grants layered on it (``data_grants.effective``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

import sqlalchemy as sa

from chassis.digests import DigestKey
from chassis.events import Envelope
from chassis.metrics import Counter
from sharing_gateway.adapters.tables import held_events
from sharing_gateway.domain import admission, disclosure_record
from sharing_gateway.domain import policy as policies
from sharing_gateway.domain.signing import Signer
from sharing_gateway.service_layer import agencies as agency_service
from sharing_gateway.service_layer import data_grants, disclosure_index, ledger
from sharing_gateway.service_layer.unit_of_work import UnitOfWork

SOURCE = "/tongxin/sharing-gateway"
DELIVERED = Counter("tongxin_gateway_deliveries_total", "Events delivered into agency feeds", ["agency"])
WITHHELD = Counter("tongxin_gateway_withheld_total", "Events an agency's policy kept from it", ["agency", "reason"])


@dataclasses.dataclass(frozen=True)
class Delivery:
    """What delivering into agencies' feeds needs: the policies, the feed signing key and the
    key of the policies' ``digest`` transform (built once by the bootstrap)."""

    policies: Mapping[str, policies.Policy]
    signer: Signer
    transform_key: DigestKey


def deliver(
    uow: UnitOfWork, delivery: Delivery, envelope: Envelope, roles_before: list[dict] | None = None
) -> list[str]:
    """Deliver one source event to every agency entitled to it; returns those agencies."""
    delivered = []
    for code, policy in data_grants.effective(uow, delivery.policies).items():
        refused = admission.refusal(policy, envelope.type, envelope.data, roles_before)
        if refused is not None:
            if refused != admission.NOT_GRANTED:
                WITHHELD.labels(code, refused).inc()
            continue
        if not agency_service.in_force(uow, code, policy):  # paused, or its new policy awaits approval
            uow.feeds.hold(code, envelope.to_dict(), roles_before)
            continue
        data = policies.apply(policy, envelope.type, envelope.data, delivery.transform_key)
        about = disclosure_record.persons_of(envelope.data)
        if append(uow, delivery, code, policy.version_label, envelope.id, envelope.type, envelope.time, data, about,
                  policy):  # fmt: skip
            delivered.append(code)
    return delivered


def append(
    uow: UnitOfWork,
    delivery: Delivery,
    agency: str,
    policy_version: str,
    event_id: str,
    event_type: str,
    time,
    data,
    about: Sequence[str] = (),
    policy: policies.Policy | None = None,
) -> dict | None:
    """Put one filtered event at the end of an agency's feed; None if it is already there. ``about``: the
    people the source event is about, whose disclosure record gets the delivery (even if ``data`` names
    none of them); ``policy``: the policy in force it was delivered under (``data_grants.effective``)."""
    if uow.feeds.has_entry(agency, event_id):
        return None
    uow.ledger.lock()  # before the feed's row: the one lock order (``LedgerRepository.lock``)
    seq = uow.feeds.next_sequence(agency)
    entry = delivery.signer.sign(
        {
            "specversion": "1.0",
            "id": event_id,
            "type": event_type,
            "source": SOURCE,
            "time": time if isinstance(time, str) else time.isoformat(),
            "datacontenttype": "application/json",
            "agency": agency,
            "sequence": seq,
            "policyversion": policy_version,
            "data": data,
        }
    )
    uow.feeds.add_entry(agency, seq, event_id, event_type, entry)
    uow.emit_signed(agency, f"{agency}:{seq}", entry)
    position = ledger.append(uow, agency, entry, policy_version)
    disclosure_index.index_delivery(uow, about, entry, position, policy or delivery.policies.get(agency))
    DELIVERED.labels(agency).inc()
    return entry


def resume(uow: UnitOfWork, delivery: Delivery, agency: str) -> int:
    """Deliver what was held while the feed was paused (or its policy awaited approval), in arrival
    order; returns how many. Nothing moves while the feed is still paused or not approved."""
    policy = data_grants.effective_one(uow, delivery.policies, agency)
    if not agency_service.in_force(uow, agency, policy):
        return 0
    held = (
        uow.session.execute(sa.select(held_events).where(held_events.c.agency == agency).order_by(held_events.c.id))
        .mappings()
        .all()
    )
    count = 0
    for h in held:
        envelope = Envelope.from_dict(h["envelope"])
        if admission.refusal(policy, envelope.type, envelope.data, h["roles_before"]) is None:
            data = policies.apply(policy, envelope.type, envelope.data, delivery.transform_key)
            about = disclosure_record.persons_of(envelope.data)
            entry = append(
                uow, delivery, agency, policy.version_label, envelope.id, envelope.type, envelope.time, data, about,
                policy,
            )  # fmt: skip
            count += entry is not None
    uow.session.execute(held_events.delete().where(held_events.c.agency == agency))
    return count


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
