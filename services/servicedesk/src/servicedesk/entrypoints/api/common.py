"""What the service desk's views share: the service, its unit-of-work factory (the service
layer owns each transaction), the clock, and the rate limit on the endpoints that need no account."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from chassis.contracts import UNIT_CODE
from chassis.http.client import client_network
from chassis.ratelimit import RateLimiter
from chassis.unit_of_work import UowFactory
from servicedesk.adapters.tables import rate_windows
from servicedesk.bootstrap import ServiceDesk

UNIT = UNIT_CODE


def desk() -> ServiceDesk:
    return current_app.extensions["servicedesk"]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def uow() -> UowFactory:
    """The unit-of-work factory the service layer opens its transactions with."""
    return desk().uow


def limit_anonymous_client() -> None:
    """Count the request against its client's network (``chassis.http.client``); 429 past the limit."""
    limiter = current_app.extensions.get("servicedesk.rate_limiter")
    if limiter is None:
        limiter = RateLimiter(desk().engine, rate_windows, desk().settings.rate_limit_per_minute, 60)
        current_app.extensions["servicedesk.rate_limiter"] = limiter
    limiter.hit(f"anon:{client_network()}")
