"""Migration 0006: a violation notice's alerts kept at a community move to its town (open or
cleared), so neither the task list nor a reopened alert names the community; the people view, with
every person's name, goes."""

from __future__ import annotations

import sqlalchemy as sa

from chassis import migrations
from chassis.db import make_engine
from supervision.bootstrap import MIGRATIONS

ALERT = (
    "INSERT INTO alerts (id, rule, unit_code, subject, detail, raised_at, cleared_at, open_key) VALUES"
    " (:id, :rule, :unit, :subject, '2026-10-01', '2026-11-01 00:00:00+00:00', :cleared, :key)"
)


def test_a_notices_alerts_move_from_the_community_to_its_town(database_url):
    engine = make_engine(database_url)
    migrations.upgrade(engine, MIGRATIONS, "0005")
    rows = [
        ("n-open", "notice_unhandled", "370783001001", "court/N1", None),
        ("n-cleared", "notice_unhandled", "370783001002", "court/N2", "2026-11-02 00:00:00+00:00"),
        ("n-town", "notice_unhandled", "370783002000", "court/N3", None),
        ("s-open", "suggestion_unanswered", "370783001001", "sg1", None),
    ]
    with engine.begin() as conn:
        for id_, rule, unit, subject, cleared in rows:
            key = None if cleared else f"{rule}|{unit}|{subject}"
            conn.execute(sa.text(ALERT), dict(id=id_, rule=rule, unit=unit, subject=subject, cleared=cleared, key=key))
    migrations.upgrade(engine, MIGRATIONS)
    with engine.connect() as conn:
        found = conn.execute(sa.text("SELECT id, unit_code, open_key FROM alerts ORDER BY id")).all()
        assert "people_view" not in sa.inspect(conn).get_table_names()
    assert [tuple(r) for r in found] == [
        ("n-cleared", "370783001000", None),
        ("n-open", "370783001000", "notice_unhandled|370783001000|court/N1"),
        ("n-town", "370783002000", "notice_unhandled|370783002000|court/N3"),
        ("s-open", "370783001001", "suggestion_unanswered|370783001001|sg1"),
    ]
    engine.dispose()
