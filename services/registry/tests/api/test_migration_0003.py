"""Migration 0003 on a registry with people in it: event versions continue from the versions
consumers have seen, and the viewers' search text loses the sensitive values it held."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa


def test_existing_people_keep_monotonic_event_versions_and_lose_sensitive_search_text(registry):
    engine = registry.engine
    # The fixture migrated to head: step the schema back to what 0002 left, with a person in it.
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM alembic_version"))
        conn.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES ('0002')"))
        later_tables = ("digest_keys", "ineligibilities", "vettings", "parked_notice_actions", "parked_notices")
        for later in (*later_tables, "seat_notices", "responsible_cadres", "follow_ups"):
            conn.execute(sa.text(f"DROP TABLE {later}"))
    with engine.begin() as conn:  # the people table as 0002 left it
        for column in ("event_version", "search_text_all"):
            conn.execute(sa.text(f"ALTER TABLE people DROP COLUMN {column}"))
        now = dt.datetime.now(dt.UTC)
        conn.execute(
            sa.text(
                "INSERT INTO people (id, name, name_pinyin, name_initials, name_pinyin_compact, gender, birth_date,"
                " id_number, id_digest, unit_code, employer, tags, search_text, status, is_representative,"
                " representative_roles, version, created_at, updated_at) VALUES ('p1', '王佛', 'wang fo', 'wf',"
                " 'wangfo', 'male', :born, '370783198005170011', 'k1:ab', '370783001001', '东关清真寺',"
                " '[\"佛教\", \"骨干\"]', '王佛 东关清真寺 佛教 骨干', 'active', false, '[]', 7, :now, :now)"
            ),
            {"born": dt.date(1980, 5, 17), "now": now},
        )
    registry.migrate()
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT event_version, search_text, search_text_all FROM people")).one()
    assert row.event_version == 7  # consumers saw up to 7: the next event carries 8
    assert row.search_text == "王佛 骨干" and row.search_text_all == "王佛 东关清真寺 佛教 骨干"
