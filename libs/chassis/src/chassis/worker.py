"""Running a service worker: each part (relay, consumers, job runners) in its own thread.

SIGTERM or Ctrl-C asks every part to stop; the process exits once all have finished
their current batch, so nothing is left half-applied. ``main`` is every worker's command
line: the start-up checks, the logs, and ``replay-people`` where the service keeps a people view.
"""

from __future__ import annotations

import dataclasses
import logging
import signal
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import sqlalchemy as sa

from chassis import kafka, logs
from chassis.consumer import ConsumerRunner, Handler
from chassis.relay import OutboxRelay
from chassis.settings import BaseSettings, exit_if_unsafe
from chassis.unit_of_work import UnitOfWork, joining

log = logging.getLogger("tongxin.worker")


class Part(Protocol):
    def run_forever(self) -> None: ...

    def stop(self) -> None: ...


class Every:
    """A part that runs ``job`` every ``seconds`` (a sweep, a checkpoint), each run a use case with its
    own unit of work. A failed run is logged and tried again at the next interval; a run that did
    something (a truthy result) is logged with it."""

    def __init__(self, seconds: float, name: str, job: Callable[[], object]):
        self.seconds, self.name, self.job = seconds, name, job
        self._stop = threading.Event()

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                if done := self.job():
                    log.info("%s: %s", self.name, done)
            except Exception:
                log.warning("%s failed; retrying at the next interval", self.name, exc_info=True)
            self._stop.wait(self.seconds)

    def stop(self) -> None:
        self._stop.set()


def run(parts: list[Part], description: str) -> int:
    threads = [threading.Thread(target=p.run_forever, name=type(p).__name__, daemon=True) for p in parts]

    def stop(*_: object) -> None:
        log.info("stopping worker")
        for part in parts:
            part.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for t in threads:
        t.start()
    log.info("worker running: %s", description)
    for t in threads:
        while t.is_alive():
            t.join(0.5)
    return 0


def relay(settings: BaseSettings, engine: sa.Engine, outbox: sa.Table) -> OutboxRelay:
    """The service's outbox relay, configured from its settings."""
    return OutboxRelay(
        engine,
        outbox,
        lambda: kafka.make_producer(kafka.KafkaAccess.of(settings)),
        poll_interval=settings.outbox_poll_interval,
        service=settings.service_name,
    )


def consumer(
    settings: BaseSettings,
    engine: sa.Engine,
    processed: sa.Table,
    name: str,
    topic: str | Sequence[str],
    handlers: Mapping[str, Handler],
) -> ConsumerRunner:
    """An idempotent consumer of ``topic`` (or of several topics, one view kept from all of them,
    as the supervision's) in the group ``<prefix>.<name>``."""
    access = kafka.KafkaAccess.of(settings)
    return ConsumerRunner(
        name=settings.consumer_group(name),
        topics=[topic] if isinstance(topic, str) else list(topic),
        handlers=handlers,
        engine=engine,
        processed=processed,
        consumer_factory=lambda group_id: kafka.make_consumer(access, group_id),
        producer_factory=lambda: kafka.make_producer(access),
    )


@dataclasses.dataclass(frozen=True)
class PeopleReplay:
    """How ``replay-people`` rebuilds a service's people view: a consumer of ``registry.person.v1``
    that only updates the view (it must not deliver or notify anything twice), how to empty the
    view first, and the digest printed after (the same as before when nothing was lost)."""

    consumer: Callable[[], ConsumerRunner]
    uow: Callable[..., UnitOfWork]  # the service's unit-of-work factory
    reset: Callable[[Callable[..., UnitOfWork]], None]  # the use case that empties the view
    digest: Callable[[], str]


def main(
    settings: BaseSettings,
    build: Callable[[], list[Part]],
    description: str,
    *,
    argv: Sequence[str] | None = None,
    checks: Sequence[Callable[[], None]] = (),
    replay: PeopleReplay | None = None,
    replay_command: str = "replay-people",
) -> int:
    """A worker's command line: refuse unsafe secrets (then ``checks``), configure the logs, and
    either run ``build()``'s parts until SIGTERM or, with ``replay_command`` (``replay-people``;
    the supervision's ``replay`` rebuilds its whole view), rebuild the view ``replay`` describes."""
    argv = sys.argv[1:] if argv is None else argv
    exit_if_unsafe(settings)
    for check in checks:
        check()
    logs.configure(settings.service_name + "-worker", settings.log_level)
    if replay is not None and list(argv[:1]) == [replay_command]:
        count = replay.consumer().replay(lambda session: replay.reset(joining(replay.uow, session)))
        view = "people view" if replay_command == "replay-people" else "view"
        print(f"{view} rebuilt from {count} events; digest {replay.digest()}")
        return 0
    return run(build(), description)
