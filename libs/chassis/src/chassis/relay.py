"""The outbox relay: publishes pending outbox rows to Kafka, in order, then marks them sent.

At-least-once: a crash between publishing and marking republishes the rows, and
consumers drop the duplicates by event id. Order per key holds because rows are
read in id order, sent by one idempotent producer, and a batch is marked only up
to its first failure. On PostgreSQL a session advisory lock keeps a single relay
active per service even when several workers run; on SQLite there is one process.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import zlib
from collections.abc import Callable

import sqlalchemy as sa
from kafka import KafkaProducer
from kafka.errors import KafkaTimeoutError

from chassis import metrics
from chassis.db import is_postgres
from chassis.events import utcnow

FLUSH_TIMEOUT_S = 30
BACKLOG_EVERY_S = 5.0  # how often the relay measures its backlog for the metrics
log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self,
        engine: sa.Engine,
        table: sa.Table,
        producer_factory: Callable[[], KafkaProducer],
        *,
        batch_size: int = 500,
        poll_interval: float = 0.2,
        max_backoff: float = 5.0,
        service: str = "tongxin",
    ):
        self.engine = engine
        self.table = table
        self.producer_factory = producer_factory
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self.service = service
        self._producer: KafkaProducer | None = None
        self._stop = threading.Event()
        self._lock_key = zlib.crc32(f"outbox:{service}".encode())
        self._leader_conn: sa.Connection | None = None

    def stop(self) -> None:
        self._stop.set()

    def run_forever(self) -> None:
        backoff = self.poll_interval
        next_measure = 0.0
        while not self._stop.is_set():
            if time.monotonic() >= next_measure:
                self._measure_quietly()
                next_measure = time.monotonic() + BACKLOG_EVERY_S
            try:
                sent = self.publish_pending()
                backoff = self.poll_interval
                if sent < self.batch_size:
                    self._stop.wait(self.poll_interval)
            except Exception as exc:  # Kafka or DB unreachable: wait and retry, never give up
                log.warning("outbox relay backing off %.1fs: %s", backoff, exc)
                metrics.RELAY_FAILURES.labels(self.service).inc()
                self._drop_producer()
                self._stop.wait(backoff)
                backoff = min(self.max_backoff, backoff * 2)
        self.close()

    def measure_backlog(self) -> tuple[int, float]:
        """Rows not yet published and the age in seconds of the oldest, set on the metrics
        ``tongxin_outbox_backlog`` and ``tongxin_outbox_oldest_age_seconds``: what an operator
        watches during a Kafka outage (the published counter stands still then)."""
        t = self.table
        with self.engine.connect() as conn:
            count, oldest = conn.execute(
                sa.select(sa.func.count(), sa.func.min(t.c.created_at)).where(t.c.published_at.is_(None))
            ).one()
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=dt.UTC)
        age = max(0.0, (utcnow() - oldest).total_seconds()) if oldest is not None else 0.0
        metrics.OUTBOX_BACKLOG.labels(self.service).set(count)
        metrics.OUTBOX_AGE.labels(self.service).set(age)
        return int(count), age

    def _measure_quietly(self) -> None:
        try:
            self.measure_backlog()
        except Exception as exc:  # the database is down: the relay's own loop reports that
            log.debug("outbox backlog not measured: %s", exc)

    def close(self) -> None:
        """Close the producer and give up leadership (another relay may take over)."""
        self._drop_producer()
        self._release_leadership()

    def publish_pending(self) -> int:
        """Publish one batch of pending rows; returns how many were marked published.

        No database transaction is held while Kafka is being talked to: on SQLite a
        held write lock would stall every user's write for as long as Kafka hangs.
        """
        if not self._is_leader():
            return 0
        t = self.table
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(t.c.id, t.c.topic, t.c.key, t.c.payload)
                .where(t.c.published_at.is_(None))
                .order_by(t.c.id)
                .limit(self.batch_size)
            ).all()
        if not rows:
            return 0
        producer = self._ensure_producer()
        futures = [producer.send(r.topic, key=r.key.encode(), value=bytes(r.payload)) for r in rows]
        try:
            # Bounded: a client that never completes its batches must not stall the relay forever.
            producer.flush(timeout=FLUSH_TIMEOUT_S)
        except KafkaTimeoutError:
            log.warning("outbox relay: Kafka did not acknowledge the batch in %ss", FLUSH_TIMEOUT_S)
        done, error = [], None
        for row, future in zip(rows, futures, strict=True):
            try:
                future.get(timeout=0)
            except Exception as exc:
                error = exc
                break
            done.append(row.id)
        with self.engine.begin() as conn:
            if done:
                conn.execute(t.update().where(t.c.id.in_(done)).values(published_at=utcnow()))
            if error is not None:
                conn.execute(
                    t.update()
                    .where(t.c.id == rows[len(done)].id)
                    .values(attempts=t.c.attempts + 1, last_error=str(error)[:2000])
                )
        metrics.OUTBOX_PUBLISHED.labels(self.service).inc(len(done))
        if error is not None:
            raise error
        return len(done)

    def _is_leader(self) -> bool:
        """On PostgreSQL, hold a session advisory lock so one relay per service publishes."""
        if not is_postgres(self.engine):
            return True
        if self._leader_conn is not None:
            try:
                self._leader_conn.execute(sa.text("SELECT 1"))
                return True
            except Exception:  # lost the connection, and with it the lock
                self._release_leadership()
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        if conn.execute(sa.select(sa.func.pg_try_advisory_lock(self._lock_key))).scalar():
            self._leader_conn = conn
            return True
        conn.close()
        return False

    def _release_leadership(self) -> None:
        if self._leader_conn is not None:
            try:
                # Pooled connections outlive close(): unlock explicitly, or the lock stays held.
                self._leader_conn.execute(sa.select(sa.func.pg_advisory_unlock(self._lock_key)))
                self._leader_conn.close()
            except Exception:  # the connection is already dead, and the lock went with it
                self._leader_conn.invalidate()
            self._leader_conn = None

    def _ensure_producer(self) -> KafkaProducer:
        if self._producer is None:
            self._producer = self.producer_factory()
        return self._producer

    def _drop_producer(self) -> None:
        if self._producer is not None:
            try:
                self._producer.close(timeout=1)
            except Exception as exc:  # closing a broken producer may fail too; nothing to keep
                log.debug("closing the producer failed: %s", exc)
            self._producer = None
