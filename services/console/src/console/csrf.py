"""Synchronizer tokens against cross-site request forgery on every form the console posts.

The session cookie alone would let any page a signed-in clerk visits post to the console
in the clerk's name (SameSite=Lax stops most of it, not all: same-site subdomains, old
browsers). So each session holds a random token, every form carries it in a hidden
field, and every POST (PUT, PATCH, DELETE) without the same token is refused with a
readable 403 before any view runs. The session cookie is signed, so a page cannot plant
a token of its own.
"""

from __future__ import annotations

import hmac
import secrets

from flask import request, session

FIELD = "csrf_token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token() -> str:
    """The session's token, made on first use (templates call ``csrf_token()``)."""
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(32)
    return session[FIELD]


def request_is_forged() -> bool:
    """True when an unsafe request does not carry this session's token."""
    if request.method in _SAFE_METHODS:
        return False
    expected = session.get(FIELD)
    offered = request.form.get(FIELD) or ""
    return not expected or not hmac.compare_digest(offered.encode(), expected.encode())
