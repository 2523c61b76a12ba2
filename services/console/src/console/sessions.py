"""Signed-in staff sessions kept server-side, with their tokens refreshed before they expire.

The cookie carries only a random session id; the access, refresh and ID tokens stay in the
console's database (``tables.staff_sessions``, keyed by the id's SHA-256). Access tokens live
five minutes, so a session whose access token has under a minute left is refreshed at the
issuer before the page calls the APIs. Keycloak rotates refresh tokens and refuses a reused
one, so two gunicorn workers must not refresh the same session at once: the refresh runs
inside a write transaction that re-reads the row first, and the second worker finds it done.
A refused refresh (the Keycloak session ended, the account was disabled) ends the console
session too. Closing a session deletes its row: replaying the old cookie finds nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from console.tables import staff_sessions

#: Refresh when the access token has less than this left (a page calls up to five APIs).
REFRESH_MARGIN = dt.timedelta(seconds=60)


class RefreshRefused(Exception):
    """The issuer would not refresh: the identity provider session is over."""


@dataclasses.dataclass(frozen=True)
class StaffSession:
    user: dict
    access_token: str
    id_token: str
    refresh_token: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _expiries(tokens: Mapping[str, Any], now: dt.datetime) -> dict:
    refresh_s = int(tokens.get("refresh_expires_in") or 1800)
    return {
        "access_expires_at": now + dt.timedelta(seconds=int(tokens.get("expires_in") or 300)),
        # Keycloak says 0 for tokens bound to the SSO session's maximum lifespan instead.
        "refresh_expires_at": now + dt.timedelta(seconds=refresh_s or 36000),
    }


class SessionStore:
    def __init__(self, engine: sa.Engine, refresh: Callable[[str], Mapping[str, Any]]):
        self.engine, self._refresh = engine, refresh

    def open(self, user: dict, tokens: Mapping[str, Any]) -> str:
        """Store a new session's tokens; the random id for the cookie."""
        session_id, now = secrets.token_urlsafe(32), _now()
        with self.engine.begin() as conn:
            conn.execute(sa.delete(staff_sessions).where(staff_sessions.c.refresh_expires_at < now))
            conn.execute(
                sa.insert(staff_sessions).values(
                    id_hash=_hash(session_id),
                    subject=user["sub"],
                    user=user,
                    created_at=now,
                    access_token=tokens["access_token"],
                    refresh_token=tokens["refresh_token"],
                    id_token=tokens.get("id_token", ""),
                    **_expiries(tokens, now),
                )
            )
        return session_id

    def current(self, session_id: str | None) -> StaffSession | None:
        """The live session for this id, its access token refreshed if needed; None if there is none."""
        if not session_id:
            return None
        row = self._row(self.engine, session_id)
        if row is None:
            return None
        if row.access_expires_at - REFRESH_MARGIN > _now():
            return _session(row)
        return self._refreshed(session_id)

    def close(self, session_id: str | None) -> StaffSession | None:
        """Delete the session; what it held (to end the identity provider's session too)."""
        if not session_id:
            return None
        with self.engine.begin() as conn:
            row = self._row(conn, session_id)
            conn.execute(sa.delete(staff_sessions).where(staff_sessions.c.id_hash == _hash(session_id)))
        return _session(row) if row else None

    def _refreshed(self, session_id: str) -> StaffSession | None:
        with self.engine.begin() as conn:
            row = self._row(conn, session_id, for_update=True)
            now = _now()
            if row is None or row.refresh_expires_at <= now:
                conn.execute(sa.delete(staff_sessions).where(staff_sessions.c.id_hash == _hash(session_id)))
                return None
            if row.access_expires_at - REFRESH_MARGIN > now:  # another worker refreshed it meanwhile
                return _session(row)
            try:
                tokens = self._refresh(row.refresh_token)
            except RefreshRefused:
                conn.execute(sa.delete(staff_sessions).where(staff_sessions.c.id_hash == _hash(session_id)))
                return None
            values = {
                "access_token": tokens["access_token"],
                "refresh_token": tokens.get("refresh_token") or row.refresh_token,
                "id_token": tokens.get("id_token") or row.id_token,
                **_expiries(tokens, now),
            }
            conn.execute(sa.update(staff_sessions).where(staff_sessions.c.id_hash == _hash(session_id)).values(values))
            return StaffSession(row.user, values["access_token"], values["id_token"], values["refresh_token"])

    @staticmethod
    def _row(conn, session_id: str, for_update: bool = False):
        query = sa.select(staff_sessions).where(staff_sessions.c.id_hash == _hash(session_id))
        if for_update:
            query = query.with_for_update()
        with conn.connect() if isinstance(conn, sa.Engine) else contextlib.nullcontext(conn) as c:
            return c.execute(query).first()


def _session(row) -> StaffSession:
    return StaffSession(row.user, row.access_token, row.id_token, row.refresh_token)
