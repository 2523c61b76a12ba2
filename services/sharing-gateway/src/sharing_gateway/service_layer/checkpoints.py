"""Making the ledger's checkpoints (``domain.checkpoint``) and handing them out: into every
running agency feed (a ``cn.tongxin.gateway.checkpoint.v1`` entry, signed like any other) and
onto ``gateway.checkpoints.v1`` through the outbox, in one transaction with the checkpoint's
own row. The worker looks every few seconds and makes one when due (``make_if_due``, after
``CHECKPOINT_EVERY_ENTRIES`` or ``CHECKPOINT_INTERVAL_SECONDS``); several workers are serialised
by the ledger head's lock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from chassis.contracts.gateway import CHECKPOINT
from sharing_gateway.adapters.tables import ledger_checkpoints, ledger_head
from sharing_gateway.domain import checkpoint
from sharing_gateway.service_layer import agencies as agency_service
from sharing_gateway.service_layer import data_grants, feeds
from sharing_gateway.service_layer.unit_of_work import UnitOfWork, UowFactory


@dataclasses.dataclass(frozen=True)
class Schedule:
    """When a checkpoint is due: after this many ledger entries, or this long after the last one."""

    every_entries: int
    interval: dt.timedelta


def make_if_due(uow_factory: UowFactory, delivery: feeds.Delivery, schedule: Schedule) -> int | None:
    """The worker's checkpoint, in a transaction of its own, when one is due: the ledger position
    it covers, or None."""
    with uow_factory() as uow:
        made = make(uow, delivery, schedule, only_if_due=True)
        uow.commit()
        return made["position"] if made else None


def make(
    uow: UnitOfWork,
    delivery: feeds.Delivery,
    schedule: Schedule,
    now: dt.datetime | None = None,
    only_if_due: bool = False,
) -> dict | None:
    """Sign the ledger's head and deliver the checkpoint; None if there is nothing (new) to sign.
    ``only_if_due``: only when one is due by the ``schedule`` (whose cadence every checkpoint carries)."""
    now = now or dt.datetime.now(dt.UTC)
    if only_if_due and not _due(uow, schedule, now):  # looked at without the head's lock, which appends need
        return None
    head = uow.ledger.head()  # locked: the one lock order, before the feeds' rows
    last = (
        uow.session.execute(sa.select(ledger_checkpoints).order_by(ledger_checkpoints.c.position.desc()).limit(1))
        .mappings()
        .first()
    )
    if head["position"] == 0 or (last is not None and head["position"] <= last["position"]):
        return None
    if only_if_due and not _due(uow, schedule, now):  # again, under the lock: another worker may have made it
        return None
    signed = checkpoint.make(
        delivery.signer, head["position"], head["hash"], now, schedule.every_entries, schedule.interval
    )
    for code, policy in data_grants.effective(uow, delivery.policies).items():
        if agency_service.in_force(uow, code, policy):  # a paused feed gets the next one
            event_id = f"checkpoint:{head['position']}"
            feeds.append(uow, delivery, code, policy.version_label, event_id, CHECKPOINT, now, signed)
    uow.emit(CHECKPOINT, "ledger", signed)
    through = uow.session.execute(sa.select(ledger_head.c.position).where(ledger_head.c.id == 1)).scalar_one()
    uow.session.execute(
        ledger_checkpoints.insert(), dict(position=head["position"], checkpoint=signed, at=now, through=through)
    )
    return signed


def _due(uow: UnitOfWork, schedule: Schedule, now: dt.datetime) -> bool:
    head = uow.session.execute(sa.select(ledger_head.c.position).where(ledger_head.c.id == 1)).scalar_one()
    last = (
        uow.session.execute(sa.select(ledger_checkpoints).order_by(ledger_checkpoints.c.position.desc()).limit(1))
        .mappings()
        .first()
    )
    last_at = None if last is None else _aware(last["at"])
    every, interval = schedule.every_entries, schedule.interval
    last_position, through = (0, 0) if last is None else (last["position"], last["through"])
    return checkpoint.due(head, last_position, through, last_at, now, every, interval)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
