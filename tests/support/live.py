"""Running a service's worker parts in threads for an integration test."""

from __future__ import annotations

import contextlib
import threading


@contextlib.contextmanager
def running(parts: list):
    threads = [threading.Thread(target=p.run_forever, daemon=True) for p in parts]
    for t in threads:
        t.start()
    try:
        yield parts
    finally:
        for p in parts:
            p.stop()
        for t in threads:
            t.join(30)
