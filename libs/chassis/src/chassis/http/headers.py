"""Security headers on every answer a Tongxin web process gives (the APIs and the console).

Names and notes that staff, members and agencies type end up in answers. Whatever a
browser is shown, it must not run script that came in as data, be framed by another
site, guess a content type, or tell other sites which page it came from. The
Content-Security-Policy is the backstop behind escaping: with no inline script allowed,
markup that slips through is inert. Each app picks its policy; the rest is the same.
"""

from __future__ import annotations

from flask import Response

#: JSON and problem+json answers: nothing in them may load or run anything.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

#: Swagger UI at /docs: its own script, styles and images from this origin, the spec fetched from it.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

#: One year; browsers ignore the header on plain http, so it only binds deployments behind TLS.
HSTS = "max-age=31536000; includeSubDomains"


def secure(response: Response, csp: str, *, hsts: bool) -> Response:
    """Set the security headers; a view that set its own Content-Security-Policy keeps it."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", csp)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if hsts:
        headers["Strict-Transport-Security"] = HSTS
    return response
