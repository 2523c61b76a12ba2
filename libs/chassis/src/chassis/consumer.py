"""The idempotent consumer runner.

For each record: parse the CloudEvents envelope, check the contract, then in ONE
database transaction apply the handler's effect and record the event id in the
``processed_events`` table. The Kafka offset is committed only after that, so a
crash in between redelivers the record and the recorded id turns it into a no-op.

- Types without a handler are ignored (consumers ignore types they don't know).
- A handler that keeps failing is retried ``max_attempts`` times, then the record
  goes to ``<topic>.dlq`` with the error in its headers and the consumer moves on.
- An unreadable envelope or data that breaks its contract goes to the DLQ at once.
- A database outage is not the message's fault: nothing is dead-lettered, the
  partition is rewound and the runner backs off until the database answers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata
from marshmallow import EXCLUDE, ValidationError
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from chassis import metrics, tracing
from chassis.contracts import UnknownEventType, contract_for
from chassis.dead_letters import DeadLetters
from chassis.events import Envelope, EnvelopeError, utcnow
from chassis.kafka import caught_up

log = logging.getLogger(__name__)

Handler = Callable[[Session, Envelope], None]
_INFRASTRUCTURE = (OperationalError, InterfaceError)


class PoisonMessage(Exception):
    """The record can never be applied as it is (bad envelope or broken contract)."""


class ConsumerRunner:
    def __init__(
        self,
        *,
        name: str,
        topics: Iterable[str],
        handlers: Mapping[str, Handler],
        engine: sa.Engine,
        processed: sa.Table,
        consumer_factory: Callable[..., KafkaConsumer],
        producer_factory: Callable[[], KafkaProducer],
        max_attempts: int = 3,
        retry_backoff: float = 0.1,
        after_commit: Callable[[Envelope | None, object], None] | None = None,
        after_poll: Callable[[bool], None] | None = None,
    ):
        self.name = name
        self.topics = list(topics)
        self.handlers = dict(handlers)
        self.engine = engine
        self.processed = processed
        self.consumer_factory = consumer_factory
        self.producer_factory = producer_factory
        self.max_attempts = max_attempts
        self.retry_backoff = retry_backoff
        self.after_commit = after_commit
        #: Called after each poll's records are applied with whether this member has read every
        #: partition assigned to it to its end (lag 0), e.g. to act on a view only once caught up.
        self.after_poll = after_poll
        self._stop = threading.Event()
        self._dead_letters = DeadLetters(self.name, producer_factory)

    # -- running ---------------------------------------------------------------
    def stop(self) -> None:
        self._stop.set()

    def run_forever(self, poll_timeout_ms: int = 500) -> None:
        consumer = self.consumer_factory(group_id=self.name)
        consumer.subscribe(self.topics)
        backoff = 0.5
        try:
            while not self._stop.is_set():
                batch = consumer.poll(timeout_ms=poll_timeout_ms)
                if self._apply_batch(consumer, batch):
                    backoff = 0.5
                    if self.after_poll:
                        self.after_poll(caught_up(consumer))
                else:
                    self._stop.wait(backoff)
                    backoff = min(10.0, backoff * 2)
        finally:
            consumer.close(autocommit=False)
            self._dead_letters.close()

    def replay(self, reset: Callable[[Session], None], poll_timeout_ms: int = 500) -> int:
        """Rebuild this consumer's view: ``reset`` clears it, then every topic is read from offset 0.

        Stop the running workers of this consumer group first. Returns records read.
        """
        with Session(self.engine) as session, session.begin():
            reset(session)
            session.execute(self.processed.delete().where(self.processed.c.consumer == self.name))
        consumer = self.consumer_factory(group_id=self.name)
        try:
            partitions = [
                TopicPartition(topic, p)
                for topic in self.topics
                for p in sorted(consumer.partitions_for_topic(topic) or ())
            ]
            consumer.assign(partitions)
            consumer.seek_to_beginning(*partitions)
            end = consumer.end_offsets(partitions)
            seen = 0
            while any(consumer.position(tp) < end[tp] for tp in partitions):
                batch = consumer.poll(timeout_ms=poll_timeout_ms)
                seen += sum(len(records) for records in batch.values())
                if not self._apply_batch(consumer, batch):
                    time.sleep(1.0)
            return seen
        finally:
            consumer.close(autocommit=False)
            self._dead_letters.close()

    # -- one batch ---------------------------------------------------------------
    def _apply_batch(self, consumer: KafkaConsumer, batch: Mapping[TopicPartition, list[Any]]) -> bool:
        """Apply a poll's records; False if the database was unreachable (caller backs off)."""
        done: dict[TopicPartition, OffsetAndMetadata] = {}
        healthy = True
        for tp, records in batch.items():
            for record in records:
                try:
                    envelope = self._apply_record(record)
                except _INFRASTRUCTURE as exc:
                    log.warning(
                        "consumer %s: database unavailable, rewinding %s to %d: %s", self.name, tp, record.offset, exc
                    )
                    consumer.seek(tp, record.offset)
                    healthy = False
                    break
                done[tp] = OffsetAndMetadata(record.offset + 1, "", -1)
                if self.after_commit:
                    self.after_commit(envelope, record)
        if done:
            try:
                consumer.commit(done)
            except KafkaError as exc:
                # E.g. the group forgot this member while the broker was down (CommitFailedError):
                # the records are applied and recorded as processed, so the redelivery that follows
                # rejoining is skipped; the thread must live on, not die with the commit.
                log.warning("consumer %s: offsets not committed, redelivery will be skipped: %r", self.name, exc)
        return healthy

    def _apply_record(self, record: ConsumerRecord) -> Envelope | None:
        try:
            envelope = self._read(record)
        except PoisonMessage as exc:
            self._dead_letter(record, exc, attempts=1)
            return None
        handler = self.handlers.get(envelope.type)
        if handler is None:
            metrics.CONSUMED.labels(self.name, "ignored").inc()
            return envelope
        token = tracing.bind(tracing.child_of(envelope.traceparent))
        try:
            for attempt in range(1, self.max_attempts + 1):
                try:
                    outcome = self._apply_once(handler, envelope, record)
                    metrics.CONSUMED.labels(self.name, outcome).inc()
                    return envelope
                except _INFRASTRUCTURE:
                    raise
                except Exception as exc:  # the handler's own failure: retry, then dead-letter
                    log.warning("consumer %s: %s attempt %d failed: %s", self.name, envelope.id, attempt, exc)
                    last = exc
                    time.sleep(self.retry_backoff * attempt)
            self._dead_letter(record, last, attempts=self.max_attempts, envelope=envelope)
            return envelope
        finally:
            tracing.unbind(token)

    def _read(self, record: ConsumerRecord) -> Envelope:
        try:
            envelope = Envelope.from_json(record.value)
        except EnvelopeError as exc:
            raise PoisonMessage(str(exc)) from exc
        try:
            contract_for(envelope.type).schema(unknown=EXCLUDE).load(envelope.data)
        except UnknownEventType:
            pass  # not ours to judge; ignored unless a handler claims it
        except ValidationError as exc:
            raise PoisonMessage(f"{envelope.type} breaks its contract: {exc.messages}") from exc
        return envelope

    def _apply_once(self, handler: Handler, envelope: Envelope, record: ConsumerRecord) -> str:
        p = self.processed
        try:
            with Session(self.engine) as session, session.begin():
                seen = session.execute(
                    sa.select(p.c.outcome).where(p.c.consumer == self.name, p.c.event_id == envelope.id)
                ).first()
                if seen:
                    return "duplicate"
                handler(session, envelope)
                session.execute(p.insert().values(**self._processed_row(envelope.id, record, "applied")))
            return "applied"
        except IntegrityError:
            # Another member of the group applied it concurrently; ours rolled back whole.
            if self._already_processed(envelope.id):
                return "duplicate"
            raise

    def _already_processed(self, event_id: str) -> bool:
        p = self.processed
        with self.engine.connect() as conn:
            return (
                conn.execute(sa.select(p.c.event_id).where(p.c.consumer == self.name, p.c.event_id == event_id)).first()
                is not None
            )

    def _processed_row(self, event_id: str, record: ConsumerRecord, outcome: str) -> dict[str, Any]:
        return dict(
            consumer=self.name,
            event_id=event_id,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            outcome=outcome,
            processed_at=utcnow(),
        )

    # -- dead letters ----------------------------------------------------------------
    def _dead_letter(
        self, record: ConsumerRecord, error: Exception, attempts: int, envelope: Envelope | None = None
    ) -> None:
        self._dead_letters.send(record, error, attempts)
        if envelope is not None:
            with self.engine.begin() as conn:
                conn.execute(
                    self.processed.insert().values(**self._processed_row(envelope.id, record, "dead_lettered"))
                )
