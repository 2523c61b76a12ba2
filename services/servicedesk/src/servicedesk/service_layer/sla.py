"""The SLA sweep: requests past their response or resolution time are flagged, escalated to the
unit above and their breach published, each clock at most once per request."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis import units
from chassis.contracts.servicedesk import REQUEST_SLA_BREACHED
from servicedesk.adapters.tables import requests
from servicedesk.domain import lifecycle
from servicedesk.service_layer.history import aware, record
from servicedesk.service_layer.unit_of_work import UowFactory


def sweep(uow_factory: UowFactory, now: dt.datetime, batch: int = 500) -> int:
    """Flag requests past their response or resolution time, escalate each to the next unit
    up and publish the breach. Each clock breaches at most once per request."""
    with uow_factory() as uow:
        session = uow.session
        found = 0
        for clock, due, flag, states in (
            ("response", requests.c.response_due_at, requests.c.response_breached_at, ("submitted",)),
            ("resolution", requests.c.resolution_due_at, requests.c.resolution_breached_at, lifecycle.OPEN_STATES),
        ):
            late = session.execute(
                sa.select(requests)
                .where(requests.c.state.in_(states), due.is_not(None), due < now, flag.is_(None))
                .order_by(due)
                .limit(batch)
            ).mappings()
            for row in [dict(r) for r in late]:
                was = row["handling_unit"]
                up = units.parent(was) or was
                if units.level(up) in ("province", "city"):
                    up = was  # the county is the top of the department's hierarchy
                claimed = session.execute(
                    requests.update()
                    .where(requests.c.id == row["id"], flag.is_(None))  # another sweeper may have been first
                    .values(
                        {
                            flag.name: now,
                            "handling_unit": up,
                            "escalations": row["escalations"] + 1,
                            "updated_at": now,
                            "version": requests.c.version + 1,  # a transition read before it must reload
                        }
                    )
                ).rowcount
                if claimed != 1:
                    continue
                row["handling_unit"] = up
                record(uow, row, "sla-clock", f"{clock}_breach", row["state"], row["state"], f"超时升级至 {up}", now)
                uow.emit(
                    REQUEST_SLA_BREACHED,
                    row["id"],
                    {
                        "request_id": row["id"],
                        "unit_code": row["unit_code"],
                        "clock": clock,
                        "due_at": aware(row[due.name]).isoformat(),
                        "escalated_from": was,
                        "escalated_to": up,
                    },
                )
                found += 1
        uow.commit()
        return found
