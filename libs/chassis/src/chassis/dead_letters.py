"""Where a consumer puts a record it cannot apply: ``<topic>.dlq``, the record as it came (key and
value untouched) with headers that say why, which consumer gave up, after how many attempts, and
where the record sat. An operator reads them there; the consumer carries on with the next record."""

from __future__ import annotations

import logging
from collections.abc import Callable

from kafka import KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord

from chassis import metrics
from chassis.topics import dead_letter

log = logging.getLogger("chassis.consumer")  # the consumer's own logger: one place to read what it gave up on


class DeadLetters:
    """The dead-letter producer of one consumer, made on the first poison record."""

    def __init__(self, consumer: str, producer_factory: Callable[[], KafkaProducer]):
        self.consumer = consumer
        self.producer_factory = producer_factory
        self._producer: KafkaProducer | None = None

    def send(self, record: ConsumerRecord, error: Exception, attempts: int) -> None:
        headers = [
            ("error", str(error)[:4000].encode()),
            ("error-type", type(error).__name__.encode()),
            ("consumer", self.consumer.encode()),
            ("original-topic", record.topic.encode()),
            ("original-partition", str(record.partition).encode()),
            ("original-offset", str(record.offset).encode()),
            ("attempts", str(attempts).encode()),
        ]
        if self._producer is None:
            self._producer = self.producer_factory()
        topic = dead_letter(record.topic)
        self._producer.send(topic, key=record.key, value=record.value, headers=headers).get(timeout=30)
        log.error(
            "consumer %s: dead-lettered %s:%d@%d: %s",
            self.consumer,
            record.topic,
            record.partition,
            record.offset,
            error,
        )
        metrics.DEAD_LETTERED.labels(self.consumer, record.topic).inc()

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close(timeout=5)
            self._producer = None
