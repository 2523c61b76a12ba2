"""A ledger consumer that dies like ``kill -9`` right after its Nth database commit.

It exits before the Kafka offset of that batch is committed: exactly the window in
which a naive consumer would apply a record twice after a restart.

    KAFKA_BOOTSTRAP_SERVERS=... KAFKA_SASL_USERNAME=... python -m tests.support.crashing_consumer DB_URL TOPIC GROUP N
"""

from __future__ import annotations

import os
import sys

from chassis.consumer import ConsumerRunner
from chassis.db import make_engine
from chassis.kafka import KafkaAccess, make_consumer, make_producer
from tests.support import ledger


def main(db_url: str, topic: str, group: str, crash_after: int) -> None:
    access = KafkaAccess.from_env()
    applied = 0

    def after_commit(envelope, record) -> None:
        nonlocal applied
        applied += 1
        if applied == crash_after:
            os._exit(9)

    ConsumerRunner(
        name=group,
        topics=[topic],
        handlers={ledger.UPDATED: ledger.apply_update},
        engine=make_engine(db_url),
        processed=ledger.processed,
        consumer_factory=lambda group_id: make_consumer(access, group_id, max_poll_records=50),
        producer_factory=lambda: make_producer(access),
        after_commit=after_commit,
    ).run_forever()


if __name__ == "__main__":
    main(*sys.argv[1:4], int(sys.argv[4]))
