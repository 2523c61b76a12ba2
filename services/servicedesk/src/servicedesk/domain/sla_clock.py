"""When a service-desk request's resolution clock (``chassis.sla_clock.SlaClock``) runs: from
submission while the request is open and not waiting on the member or a third party."""

from __future__ import annotations

from servicedesk.domain import lifecycle


def runs_in(state: str) -> bool:
    """The clock runs while a request is open, except while it waits."""
    return state in lifecycle.OPEN_STATES and state != "waiting"
