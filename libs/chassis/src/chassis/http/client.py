"""The address of an anonymous caller (rating form, suggestions mailbox), one way for every service.

Where it comes from: the TCP peer or, behind reverse proxies, the address the last
``TRUSTED_PROXY_HOPS`` proxies saw (``trust_proxies`` installs ``ProxyFix`` with exactly
that many hops, in every service and in the console, and nothing else reads
``X-Forwarded-For``). The console counts as one hop in front of evaluation: behind an
ingress it runs with ``TRUSTED_PROXY_HOPS=1`` itself and forwards the client address it
resolved. A caller can only prepend to ``X-Forwarded-For``, so
with the hops set right the address is the one the first trusted proxy saw.

What is kept: only the network, /24 for IPv4 and /48 for IPv6: enough for rate limits
and burst detection, not enough to single out a household.
"""

from __future__ import annotations

import ipaddress

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

UNKNOWN = "unknown"


def coarsen(address: str | None) -> str:
    """``203.0.113.7`` -> ``203.0.113.0/24``; ``2001:db8:1:2::5`` -> ``2001:db8:1::/48``."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return UNKNOWN
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def trust_proxies(app: Flask, hops: int) -> None:
    """Take the client address, scheme and host from the last ``hops`` proxies in front of ``app``."""
    if hops:
        # Flask's documented way to wrap its WSGI app; mypy sees only the method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def client_network() -> str:
    """The coarsened network of the current request's client."""
    return coarsen(request.remote_addr)
