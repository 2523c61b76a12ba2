"""What the service desk's views share: the service, its unit-of-work factory (the service
layer owns each transaction), the clock, and the rate limit on the endpoints that need no account."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from chassis.contracts import UNIT_CODE
from chassis.http.limits import app_limiter, limit_client
from servicedesk.adapters.tables import rate_windows
from servicedesk.bootstrap import ServiceDesk
from servicedesk.service_layer.unit_of_work import UowFactory

UNIT = UNIT_CODE


def desk() -> ServiceDesk:
    return current_app.extensions["servicedesk"]


def now() -> dt.datetime:
    return desk().clock()


def uow() -> UowFactory:
    """The unit-of-work factory the service layer opens its transactions with."""
    return desk().uow


def limit_anonymous_client() -> None:
    """Count the request against its client's network (``chassis.http.limits``); 429 past the limit."""
    limit_client(app_limiter("anonymous", desk().engine, rate_windows, desk().settings.rate_limit_per_minute), "anon")
