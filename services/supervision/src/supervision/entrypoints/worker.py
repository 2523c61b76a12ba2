"""The supervision worker: one consumer keeps the view from the four topics it may read.

    supervision-worker           # run until SIGTERM or Ctrl-C
    supervision-worker replay    # rebuild the view from the start of the four topics; prints its digest

It reads ``registry.person.v1`` (people, for the people figures and to place a violation
notice), ``evaluation.v1`` (scores, vetoes, decisions), ``servicedesk.v1`` (requests,
breaches, suggestions, activities, donations) and ``gateway.inbound.v1`` (the agencies'
violation notices and rescissions, of which it keeps the notice id, agency, time and the
person's ID digest, never the case); never an agency's feed. It evaluates the alert rules once
the view took new events and has caught up (lag 0 on its partitions: a view half-way through a
backlog would raise and clear alerts that were never true), and every few minutes regardless
(a suggestion becomes overdue with time alone); its relay publishes the alerts raised and
cleared on ``supervision.v1``.
A replay only rebuilds the view (keeping the facts older than the topics' retention, which they
no longer hold): the next evaluation finds the same causes.
"""

from __future__ import annotations

import sys
import threading
import time

from chassis import worker
from chassis.consumer import ConsumerRunner
from chassis.topics import EVALUATION, GATEWAY_INBOUND, REGISTRY_PERSON, SERVICEDESK
from chassis.unit_of_work import joined
from supervision.adapters.tables import outbox, processed_events
from supervision.bootstrap import Supervision, bootstrap
from supervision.service_layer import alerting, view

TOPICS = (REGISTRY_PERSON, EVALUATION, SERVICEDESK, GATEWAY_INBOUND)


def view_consumer(sv: Supervision) -> ConsumerRunner:
    handlers = {t: joined(sv.uow, view.apply_person_event) for t in view.PERSON_EVENTS}
    handlers.update({t: joined(sv.uow, view.record_fact) for t in view.FACT_EVENTS})
    return worker.consumer(sv.settings, sv.engine, processed_events, "view", TOPICS, handlers)


class AlertSchedule:
    """The alert evaluation as a ``worker.Every`` job: it runs when the view took events since the
    last run (``note``, the consumer's after-commit hook) and the consumer has caught up
    (``caught_up``, its after-poll hook), or ``every_s`` after the last run whatever the lag."""

    def __init__(self, sv: Supervision, every_s: float = 300.0):
        self.sv, self.every_s = sv, every_s
        self._changed = threading.Event()
        self._caught_up = threading.Event()
        self._last = float("-inf")

    def note(self, *_: object) -> None:
        self._changed.set()

    def caught_up(self, yes: bool) -> None:
        if yes:
            self._caught_up.set()
        else:
            self._caught_up.clear()

    def __call__(self) -> dict[str, int] | None:
        settled = self._changed.is_set() and self._caught_up.is_set()
        if not settled and time.monotonic() - self._last < self.every_s:
            return None
        self._changed.clear()
        try:
            done = alerting.evaluate(self.sv.uow, self.sv.scheme, self.sv.clock())
        except Exception:
            self._changed.set()  # tried again at the next interval
            raise
        self._last = time.monotonic()
        return done if any(done.values()) else None


def build(sv: Supervision, check_s: float = 2.0) -> list:
    schedule = AlertSchedule(sv)
    consumer = view_consumer(sv)
    consumer.after_commit, consumer.after_poll = schedule.note, schedule.caught_up
    return [worker.relay(sv.settings, sv.engine, outbox), consumer, worker.Every(check_s, "alerts", schedule)]


def main(argv: list[str] | None = None) -> int:
    sv = bootstrap()

    def reset(uow_factory) -> None:
        view.reset(uow_factory, sv.clock())

    replay = worker.PeopleReplay(lambda: view_consumer(sv), sv.uow, reset, lambda: view.digest_of_view(sv.engine))
    return worker.main(sv.settings, lambda: build(sv), "relay, supervision view", argv=argv, replay=replay,
                       replay_command="replay")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
