"""The registry worker: outbox relay, evaluation-outcome consumer and spreadsheet import jobs.

    registry-worker            # runs until SIGTERM or Ctrl-C, then stops cleanly

Scale: one worker per database is enough; on PostgreSQL extra workers are safe (one
relay publishes at a time; consumers share the partitions of ``evaluation.v1``).
"""

from __future__ import annotations

import sys

from chassis import worker
from chassis.topics import EVALUATION
from registry.adapters.tables import outbox, processed_events
from registry.bootstrap import Registry, bootstrap
from registry.service_layer import evaluation_outcomes
from registry.service_layer.digest_keys import exit_if_key_changed
from registry.service_layer.import_runner import ImportRunner


def build(registry: Registry) -> list:
    s, engine = registry.settings, registry.engine
    handlers = {evaluation_outcomes.REVOKED: evaluation_outcomes.qualification_revoked(engine, s.id_digest_key())}
    return [
        worker.relay(s, engine, outbox),
        worker.consumer(s, engine, processed_events, "evaluation-outcomes", EVALUATION, handlers),
        ImportRunner(registry),
    ]


def main(argv: list[str] | None = None) -> int:
    registry = bootstrap()
    checks = [lambda: exit_if_key_changed(registry)]
    description = "relay, evaluation-outcome consumer, import jobs"
    return worker.main(registry.settings, lambda: build(registry), description, argv=argv, checks=checks)


if __name__ == "__main__":
    sys.exit(main())
