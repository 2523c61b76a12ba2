"""Migration 0003 replaces record dates by person versions: a database that had people carries
each one's present version over, dated by its record date, so the months read as before. Migration
0005 drops the past ID digests of the people archived already."""

from __future__ import annotations

import sqlalchemy as sa

from chassis import migrations
from chassis.db import make_engine
from supervision.bootstrap import MIGRATIONS


def test_the_people_of_a_database_before_0003_keep_their_present_version(database_url):
    engine = make_engine(database_url)
    migrations.upgrade(engine, MIGRATIONS, "0002")
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO people_view (person_id, version, name, unit_code, id_digest, status, categories,"
            " representative_roles, is_representative) VALUES ('p1', 3, 'x', '370783001001', 'd1', 'active',"
            " '[]', '[]', false)"
        ))  # fmt: skip
        conn.execute(sa.text(
            "INSERT INTO record_dates (person_id, version, event_id, event_type, updated_on)"
            " VALUES ('p1', 3, 'e1', 'cn.tongxin.registry.person.updated.v1', '2026-09-10')"
        ))  # fmt: skip
    migrations.upgrade(engine, MIGRATIONS)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT person_id, version, unit_code, status, from_day FROM person_versions"))
        assert [tuple(r) for r in rows] == [("p1", 3, "370783001001", "active", "2026-09-10")]
        assert "record_dates" not in sa.inspect(conn).get_table_names()
    engine.dispose()


def test_migration_0005_drops_the_past_digests_of_people_archived_already(database_url):
    engine = make_engine(database_url)
    migrations.upgrade(engine, MIGRATIONS, "0004")
    rows = [("gone", 1, "active", "d-old"), ("gone", 2, "active", "d-new"), ("gone", 3, "archived", "d-new"),
            ("here", 1, "active", "h1"), ("here", 2, "active", "h2"),
            ("back", 1, "archived", "b1"), ("back", 2, "active", "b1")]  # fmt: skip
    with engine.begin() as conn:
        for person, version, status, digest in rows:
            conn.execute(
                sa.text(
                    "INSERT INTO person_versions (person_id, version, unit_code, status, id_digest, event_id,"
                    " event_type, from_day, at) VALUES (:p, :v, '370783001001', :s, :d, :e,"
                    " 'cn.tongxin.registry.person.updated.v1', '2026-09-10', '2026-09-10T02:00:00+00:00')"
                ),
                dict(p=person, v=version, s=status, d=digest, e=f"{person}-{version}"),
            )
    migrations.upgrade(engine, MIGRATIONS)
    with engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT person_id, version, id_digest FROM person_versions"))
        assert sorted(tuple(r) for r in kept) == [
            ("back", 1, "b1"), ("back", 2, "b1"),  # restored: archived no more
            ("gone", 1, None), ("gone", 2, "d-new"), ("gone", 3, "d-new"),  # only what the topic still holds
            ("here", 1, "h1"), ("here", 2, "h2"),
        ]  # fmt: skip
    engine.dispose()
