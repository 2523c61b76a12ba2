"""The console's own tables on SQLite and PostgreSQL: sessions (open, refresh once, close) and the
staff audit log (each administrator reads their subtree's entries only)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from console import audit
from console.app import MIGRATIONS
from console.sessions import RefreshRefused, SessionStore
from console.staff_scope import Actor
from console.tables import staff_sessions

from chassis import migrations
from chassis.db import make_engine

TOKENS = {"access_token": "a1", "refresh_token": "r1", "id_token": "i1", "expires_in": 300, "refresh_expires_in": 1800}
USER = {"sub": "s1", "name": "n", "unit": "370783001000", "roles": ["viewer"]}


def engine_for(database_url: str) -> sa.Engine:
    engine = make_engine(database_url)
    migrations.upgrade(engine, MIGRATIONS)
    migrations.upgrade(engine, MIGRATIONS)  # idempotent: every worker runs it at start
    return engine


def expire(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.update(staff_sessions).values(access_expires_at=dt.datetime.now(dt.UTC)))


def test_a_session_is_refreshed_once_when_due_and_gone_when_closed(database_url):
    engine = engine_for(database_url)
    calls = []

    def refresh(token: str) -> dict:
        calls.append(token)
        return {**TOKENS, "access_token": f"a{len(calls) + 1}", "refresh_token": f"r{len(calls) + 1}"}

    store = SessionStore(engine, refresh)
    sid = store.open(USER, TOKENS)
    assert store.current(sid).access_token == "a1" and calls == []
    expire(engine)
    assert store.current(sid).access_token == "a2" and calls == ["r1"]
    assert store.current(sid).access_token == "a2" and calls == ["r1"]  # fresh now: no second refresh
    assert store.close(sid).id_token == "i1"
    assert store.current(sid) is None and store.close(sid) is None
    assert store.current("made-up") is None


def test_a_refused_refresh_ends_the_session(database_url):
    engine = engine_for(database_url)

    def refused(token: str) -> dict:
        raise RefreshRefused("invalid_grant")

    store = SessionStore(engine, refused)
    sid = store.open(USER, TOKENS)
    expire(engine)
    assert store.current(sid) is None
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(staff_sessions)).scalar() == 0


def test_the_audit_log_pages_each_admins_subtree(database_url):
    engine = engine_for(database_url)
    county = Actor("c", "county admin", "370783000000", frozenset({"admin"}))
    town = Actor("t", "town admin", "370783001000", frozenset({"admin"}))
    other = Actor("o", "other town admin", "370783002000", frozenset({"admin"}))
    audit.record(engine, county, "create", "county-clerk", "370783000000", "done", roles=["viewer"])
    audit.record(engine, town, "create", "town-clerk", "370783001001", "done", roles=["viewer"])
    audit.record(engine, town, "create", "grab", "370783000000", "refused", reason="outside")
    for n in range(audit.PAGE_SIZE + 1):
        audit.record(engine, other, "disable", f"o-{n}", "370783002001", "done")
    seen = {e.target for e in audit.page(engine, town, 1)[0]}
    assert seen == {"town-clerk", "grab"}  # its own refused attempt too, nothing of the county or the other town
    first, more = audit.page(engine, county, 1)
    assert len(first) == audit.PAGE_SIZE and more and first[0].target == f"o-{audit.PAGE_SIZE}"
    rest, more = audit.page(engine, county, 2)
    assert not more and {e.target for e in rest} >= {"county-clerk"}


def test_who_disabled_an_account_is_the_last_console_disable(database_url):
    engine = engine_for(database_url)
    county = Actor("c", "county-admin", "370783000000", frozenset({"admin"}))
    town = Actor("t", "town-admin", "370783001000", frozenset({"admin"}))
    account = "4f7c1d2e-0000-4000-8000-000000000001"
    assert audit.disabled_by_unit(engine, account) is None  # never disabled in the console
    with audit.change(engine, county, "disable", "clerk", "370783001001", account):
        pass
    audit.record(engine, town, "enable", "clerk", "370783001001", "refused", account)
    with pytest.raises(RuntimeError), audit.change(engine, town, "enable", "clerk", "370783001001", account):
        raise RuntimeError("Keycloak went away")
    assert audit.disabled_by_unit(engine, account) == "370783000000"  # refused and failed attempts change nothing
    with audit.change(engine, county, "enable", "clerk", "370783001001", account):
        pass
    assert audit.disabled_by_unit(engine, account) is None
    outcomes = [e.outcome for e in audit.page(engine, county, 1)[0]]
    assert outcomes == ["done", "requested", "failed", "requested", "refused", "done", "requested"]
