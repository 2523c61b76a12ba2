"""What the service desk's views share: the service, one transaction per request, the
clock, and the rate limit on the endpoints that need no account."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy.orm import Session

from chassis.contracts import UNIT_CODE
from chassis.http.client import client_network
from chassis.ratelimit import RateLimiter
from servicedesk.adapters.tables import rate_windows
from servicedesk.bootstrap import ServiceDesk

UNIT = UNIT_CODE


def desk() -> ServiceDesk:
    return current_app.extensions["servicedesk"]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Tx:
    """One transaction per request: ``with Tx() as session``."""

    def __enter__(self) -> Session:
        self.session = Session(desk().engine)
        self.session.begin()
        return self.session

    def __exit__(self, exc_type, *_):
        if exc_type is None:
            self.session.commit()
        else:
            self.session.rollback()
        self.session.close()


def limit_anonymous_client() -> None:
    """Count the request against its client's network (``chassis.http.client``); 429 past the limit."""
    limiter = current_app.extensions.get("servicedesk.rate_limiter")
    if limiter is None:
        limiter = RateLimiter(desk().engine, rate_windows, desk().settings.rate_limit_per_minute, 60)
        current_app.extensions["servicedesk.rate_limiter"] = limiter
    limiter.hit(f"anon:{client_network()}")
