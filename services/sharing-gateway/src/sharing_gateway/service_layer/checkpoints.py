"""Making the ledger's checkpoints (``domain.checkpoint``) and handing them out: into every
running agency feed (a ``cn.tongxin.gateway.checkpoint.v1`` entry, signed like any other) and
onto ``gateway.checkpoints.v1`` through the outbox, in one transaction with the checkpoint's
own row. The worker's ``CheckpointWriter`` makes one when due (``CHECKPOINT_EVERY_ENTRIES``,
``CHECKPOINT_INTERVAL_SECONDS``); several workers are serialised by the ledger head's lock.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

import sqlalchemy as sa

from chassis.outbox import Outbox
from sharing_gateway.adapters.tables import ledger_checkpoints, ledger_head, outbox
from sharing_gateway.bootstrap import Gateway
from sharing_gateway.domain import checkpoint
from sharing_gateway.service_layer import agencies as agency_service
from sharing_gateway.service_layer import feeds

log = logging.getLogger("tongxin.gateway.checkpoints")


def make(conn, gw: Gateway, now: dt.datetime | None = None, only_if_due: bool = False) -> dict | None:
    """Sign the ledger's head and deliver the checkpoint; None if there is nothing (new) to sign."""
    now = now or dt.datetime.now(dt.UTC)
    if only_if_due and not _due(conn, gw, now):  # looked at without the head's lock, which appends need
        return None
    head = conn.execute(sa.select(ledger_head).where(ledger_head.c.id == 1).with_for_update()).mappings().one()
    last = (
        conn.execute(sa.select(ledger_checkpoints).order_by(ledger_checkpoints.c.position.desc()).limit(1))
        .mappings()
        .first()
    )
    if head["position"] == 0 or (last is not None and head["position"] <= last["position"]):
        return None
    if only_if_due and not _due(conn, gw, now):  # again, under the lock: another worker may have made it
        return None
    every, interval = (
        gw.settings.checkpoint_every_entries,
        dt.timedelta(seconds=gw.settings.checkpoint_interval_seconds),
    )
    signed = checkpoint.make(gw.signer, head["position"], head["hash"], now, every, interval)
    for code, policy in gw.policies.items():
        if agency_service.in_force(conn, code, policy):  # a paused feed gets the next one
            event_id = f"checkpoint:{head['position']}"
            feeds.append(conn, gw, code, policy.version_label, event_id, checkpoint.TYPE, now, signed)
    Outbox(outbox, feeds.SOURCE).add(conn, checkpoint.TYPE, "ledger", signed)
    through = conn.execute(sa.select(ledger_head.c.position).where(ledger_head.c.id == 1)).scalar_one()
    conn.execute(
        ledger_checkpoints.insert(), dict(position=head["position"], checkpoint=signed, at=now, through=through)
    )
    return signed


class CheckpointWriter:
    """A worker part: looks every few seconds whether a checkpoint is due, and makes it."""

    def __init__(self, gw: Gateway, poll_seconds: float = 2.0):
        self.gw, self.poll = gw, min(poll_seconds, float(gw.settings.checkpoint_interval_seconds))
        self._stop = threading.Event()

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                with self.gw.engine.begin() as conn:
                    made = make(conn, self.gw, only_if_due=True)
                if made:
                    log.info("ledger checkpoint at position %s", made["position"])
            except sa.exc.SQLAlchemyError:  # another worker made it first, or the database is away
                log.warning("ledger checkpoint not made this time", exc_info=True)
            self._stop.wait(self.poll)

    def stop(self) -> None:
        self._stop.set()


def _due(conn, gw: Gateway, now: dt.datetime) -> bool:
    head = conn.execute(sa.select(ledger_head.c.position).where(ledger_head.c.id == 1)).scalar_one()
    last = (
        conn.execute(sa.select(ledger_checkpoints).order_by(ledger_checkpoints.c.position.desc()).limit(1))
        .mappings()
        .first()
    )
    settings = gw.settings
    last_at = None if last is None else _aware(last["at"])
    every, interval = settings.checkpoint_every_entries, dt.timedelta(seconds=settings.checkpoint_interval_seconds)
    last_position, through = (0, 0) if last is None else (last["position"], last["through"])
    return checkpoint.due(head, last_position, through, last_at, now, every, interval)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
