"""The service desk worker: outbox relay, the people view from ``registry.person.v1`` and
the SLA clock sweep.

    servicedesk-worker                 # run until SIGTERM or Ctrl-C
    servicedesk-worker replay-people   # rebuild the people view from the start of the topic
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import threading

from chassis import logs, worker
from chassis.consumer import ConsumerRunner
from chassis.settings import exit_if_unsafe
from chassis.topics import REGISTRY_PERSON
from servicedesk.adapters.tables import outbox, processed_events
from servicedesk.bootstrap import ServiceDesk, bootstrap
from servicedesk.service_layer import read_model, sla

log = logging.getLogger("tongxin.servicedesk.sla")


def people_consumer(desk: ServiceDesk) -> ConsumerRunner:
    handlers = {t: read_model.apply_person_event for t in read_model.PERSON_EVENTS}
    return worker.consumer(desk.settings, desk.engine, processed_events, "people", REGISTRY_PERSON, handlers)


class SlaSweeper:
    """Every ``SLA_SWEEP_INTERVAL`` seconds: flag, escalate and publish overdue requests.
    Several workers may sweep at once: each breach is written once (the flag is the guard)."""

    def __init__(self, desk: ServiceDesk):
        self.desk, self._stop = desk, threading.Event()

    def sweep_once(self) -> int:
        return sla.sweep(self.desk.uow, dt.datetime.now(dt.UTC))

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                if found := self.sweep_once():
                    log.info("SLA sweep: %d breaches escalated", found)
            except Exception:
                log.exception("SLA sweep failed; retrying at the next interval")
            self._stop.wait(self.desk.settings.sla_sweep_interval)

    def stop(self) -> None:
        self._stop.set()


def build(desk: ServiceDesk) -> list:
    return [worker.relay(desk.settings, desk.engine, outbox), people_consumer(desk), SlaSweeper(desk)]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    desk = bootstrap()
    exit_if_unsafe(desk.settings)
    logs.configure(desk.settings.service_name + "-worker", desk.settings.log_level)
    if argv[:1] == ["replay-people"]:
        count = people_consumer(desk).replay(read_model.reset)
        print(f"people view rebuilt from {count} events; digest {read_model.digest_of_view(desk.engine)}")
        return 0
    return worker.run(build(desk), "relay, people view, SLA sweep")


if __name__ == "__main__":
    sys.exit(main())
