"""What the gateway's views share: the service, and the agency's API key checked (and rate-limited)
before anything of an agency's request is parsed; or, where staff read the same thing, a staff token."""

from __future__ import annotations

import functools

from flask import current_app, g, request

from chassis.errors import Unauthorized
from chassis.http import current_principal
from chassis.http.limits import app_limiter, limit_client
from chassis.ratelimit import RateLimiter
from sharing_gateway.adapters.tables import rate_windows
from sharing_gateway.bootstrap import Gateway
from sharing_gateway.service_layer import agencies as agency_service
from sharing_gateway.service_layer import agency_access


def gw() -> Gateway:
    return current_app.extensions["gateway"]


def _limiter() -> RateLimiter:
    return app_limiter("agencies", gw().engine, rate_windows, gw().settings.agency_rate_limit_per_minute)


def calling_agency() -> str:
    """The agency whose key came with the request (``Authorization: ApiKey <key>`` or ``X-Api-Key``).
    Failed attempts count against the client address; calls against the agency's own limit."""
    header = request.headers.get("Authorization", "")
    key = header.removeprefix("ApiKey ").strip() if header.startswith("ApiKey ") else request.headers.get("X-Api-Key")
    try:
        agency = agency_access.authenticate(gw().uow, key)
    except Unauthorized:
        limit_client(_limiter(), "agency-auth")
        raise
    _limiter().hit(f"agency:{agency}")
    return agency


def agency_key_first(view):
    """Check the agency's key before anything of the request is parsed: a caller without a valid
    key learns nothing, not even what a valid body looks like. The agency is in ``g.agency``."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        g.agency = calling_agency()
        return view(*args, **kwargs)

    return checked


def agency_key_or_staff_token(view):
    """A view agencies and staff both read (mark it ``token_optional``): a staff token (verified by the
    app) with a gateway reading role, ``g.agency`` None; or else an agency's key, checked before anything
    of the request is parsed, ``g.agency`` the agency."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        if request.headers.get("Authorization", "").startswith("Bearer "):
            current_principal().require_role(*agency_service.READERS)
            g.agency = None
        else:
            g.agency = calling_agency()
        return view(*args, **kwargs)

    return checked
