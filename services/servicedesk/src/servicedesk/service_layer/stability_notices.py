"""Public security's answers to severe stability reports, from ``gateway.inbound.v1``: received,
handling, closed. The gateway has verified the agency's signature; here each notice moves its
report forward and enters its timeline, once (the notice's id is the guard, so a replay or a
redelivery changes nothing, and a late notice never takes a report back).

A notice naming a report the service desk does not have, or one that was never shared with public
security (not severe), changes no report: it is parked in ``unmatched_stability_notices`` and
counted (``tongxin_servicedesk_unmatched_stability_notices_total``), for an operator to look into.
Its content is not logged: the ids say enough.
"""

from __future__ import annotations

import datetime as dt
import logging

from prometheus_client import Counter

from chassis.contracts.gateway import STABILITY_CLOSED, STABILITY_HANDLING, STABILITY_RECEIVED
from chassis.events import Envelope
from servicedesk.adapters.stability_repository import StabilityRepository
from servicedesk.service_layer import stability
from servicedesk.service_layer.unit_of_work import UowFactory

log = logging.getLogger("tongxin.servicedesk.stability")
#: The inbound event types this consumer applies, each with the notice's kind.
NOTICE_EVENTS = {
    STABILITY_RECEIVED: "stability_received",
    STABILITY_HANDLING: "stability_handling",
    STABILITY_CLOSED: "stability_closed",
}
UNMATCHED = Counter(
    "tongxin_servicedesk_unmatched_stability_notices_total",
    "Public security's notices that named no report shared with it",
    ["reason"],
)


def apply_notice_event(uow_factory: UowFactory, envelope: Envelope) -> None:
    kind, data = NOTICE_EVENTS[envelope.type], envelope.data
    notice_key = f"{data['agency']}:{data['notice_id']}"[:100]
    now = dt.datetime.fromisoformat(data["received_at"])  # when the gateway took the notice in
    with uow_factory() as uow:
        repo = StabilityRepository(uow.session)
        if repo.notice_applied(notice_key):
            return
        row = repo.get(str(data["report_id"])[:36])
        reason = "unknown_report" if row is None else None if row["shared_at"] is not None else "not_shared"
        if reason is None:
            stability.apply_notice(repo, row, kind, data, notice_key, now)
        else:
            repo.park(
                dict(notice_key=notice_key, kind=kind, report_id=str(data["report_id"])[:100], reason=reason,
                     received_at=now)
            )  # fmt: skip
        uow.commit()
    if reason is not None:
        UNMATCHED.labels(reason).inc()
        log.warning("stability notice %s parked: %s", notice_key, reason)
