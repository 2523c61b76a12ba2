"""The rate limits of a service's HTTP endpoints, set up one way everywhere.

Each app keeps one ``chassis.ratelimit.RateLimiter`` per purpose, made on the first request
that needs it (nothing connects at import or app creation) and kept in the app's extensions,
so every request of every thread counts against the same table rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from chassis.http.client import client_network
from chassis.ratelimit import RateLimiter


def app_limiter(name: str, engine: sa.Engine, table: sa.Table, per_minute: int) -> RateLimiter:
    """The current app's limiter ``name``: ``per_minute`` hits per key and minute, in ``table``."""
    key = f"ratelimit.{name}"
    limiter = current_app.extensions.get(key)
    if limiter is None:
        limiter = current_app.extensions[key] = RateLimiter(engine, table, per_minute, 60)
    return limiter


def limit_client(limiter: RateLimiter, prefix: str) -> str:
    """Count the request against its client's network (``client_network``); 429 past the limit.
    Returns the network, the only trace of an anonymous caller a service keeps."""
    origin = client_network()
    limiter.hit(f"{prefix}:{origin}")
    return origin
