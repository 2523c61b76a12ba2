"""Running a service worker: each part (relay, consumers, job runners) in its own thread.

SIGTERM or Ctrl-C asks every part to stop; the process exits once all have finished
their current batch, so nothing is left half-applied.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Protocol

log = logging.getLogger("tongxin.worker")


class Part(Protocol):
    def run_forever(self) -> None: ...

    def stop(self) -> None: ...


def run(parts: list[Part], description: str) -> int:
    threads = [threading.Thread(target=p.run_forever, name=type(p).__name__, daemon=True) for p in parts]

    def stop(*_):
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
