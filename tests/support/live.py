"""Running a service's worker parts in threads for an integration test, and staff headers."""

from __future__ import annotations

import contextlib
import threading

from chassis.auth import TokenService
from chassis.settings import BaseSettings


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


def staff_headers(settings: BaseSettings, roles=("editor",), unit="370783000000", sub="it-staff", **extra) -> dict:
    token = TokenService(settings.jwt_secret, settings.jwt_audience, settings.jwt_issuer).issue(sub, list(roles), unit)
    return {"Authorization": f"Bearer {token}", **extra}
