"""The registry worker: outbox relay, evaluation-outcome and membership-notice consumers,
spreadsheet import jobs and the reminders of follow-ups falling due (``FOLLOW_UP_REMINDER_INTERVAL``).

    registry-worker            # runs until SIGTERM or Ctrl-C, then stops cleanly

Scale: one worker per database is enough; on PostgreSQL extra workers are safe (one
relay publishes at a time; consumers share the partitions of ``evaluation.v1`` and
``gateway.membership.v1``).
"""

from __future__ import annotations

import sys

from chassis import worker
from chassis.topics import EVALUATION, GATEWAY_MEMBERSHIP
from chassis.unit_of_work import joined
from registry.adapters.tables import outbox, processed_events
from registry.bootstrap import Registry, bootstrap, exit_if_key_changed
from registry.service_layer import evaluation_outcomes, membership_notices
from registry.service_layer.follow_up_reminders import remind_due


def build(registry: Registry) -> list:
    s, engine = registry.settings, registry.engine
    outcomes = {
        evaluation_outcomes.REVOKED: joined(registry.uow, evaluation_outcomes.qualification_revoked),
        evaluation_outcomes.RETAINED: joined(registry.uow, evaluation_outcomes.representative_retained),
    }
    notices = {
        membership_notices.CONFIRMED: joined(registry.uow, membership_notices.membership_confirmed),
        membership_notices.ENDED: joined(registry.uow, membership_notices.membership_ended),
    }
    return [
        worker.relay(s, engine, outbox),
        worker.consumer(s, engine, processed_events, "evaluation-outcomes", EVALUATION, outcomes),
        worker.consumer(s, engine, processed_events, "membership-notices", GATEWAY_MEMBERSHIP, notices),
        registry.import_runner(),
        worker.Every(s.follow_up_reminder_interval, "follow-up reminders", lambda: remind_due(registry.uow)),
    ]


def main(argv: list[str] | None = None) -> int:
    registry = bootstrap()
    checks = [lambda: exit_if_key_changed(registry)]
    description = "relay, evaluation-outcome and membership-notice consumers, import jobs, follow-up reminders"
    return worker.main(registry.settings, lambda: build(registry), description, argv=argv, checks=checks)


if __name__ == "__main__":
    sys.exit(main())
