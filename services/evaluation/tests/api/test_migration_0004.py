"""Migration 0004 on an evaluation with decisions in it: each earlier decision is filed under its
person's unit (from the people view), so the lists and figures count it; one whose person the
view does not know stays unfiled rather than guessed."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chassis import migrations
from evaluation.bootstrap import MIGRATIONS, bootstrap
from evaluation.config import EvaluationSettings
from tests.support.secrets import strong_secrets
from tests.support.tokens import trusted


def test_earlier_decisions_are_filed_under_their_persons_unit(database_url):
    ev = bootstrap(
        EvaluationSettings(
            database_url=database_url,
            kafka_bootstrap_servers="127.0.0.1:1",
            **strong_secrets(EvaluationSettings),
            **trusted(),
        )
    )
    migrations.upgrade(ev.engine, MIGRATIONS, "0003")
    now = dt.datetime.now(dt.UTC)
    with ev.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO people_view (person_id, version, name, unit_code, id_digest, status, categories,"
                " representative_roles, is_representative) VALUES ('p1', 1, '张三', '370783001001', 'k1:ab',"
                " 'active', '[]', '[]', true)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO joint_meetings (id, title, held_on, bodies, scope_unit, created_by, created_at)"
                " VALUES ('m1', '联席评价', :held, '[\"cppcc\"]', '370783000000', 'judge', :now)"
            ),
            {"held": dt.date(2025, 12, 20), "now": now},
        )
        for decision_id, person in (("d1", "p1"), ("d2", "gone")):
            conn.execute(
                sa.text(
                    "INSERT INTO meeting_decisions (id, meeting_id, person_id, decision, body, reason, decided_by,"
                    " decided_at) VALUES (:id, 'm1', :person, 'talk', 'cppcc', '约谈', 'judge', :now)"
                ),
                {"id": decision_id, "person": person, "now": now},
            )
    ev.migrate()
    with ev.engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT id, unit_code FROM meeting_decisions ORDER BY id")).all())
        ends = conn.execute(sa.text("SELECT count(*) FROM meeting_decisions WHERE ineligible_until IS NULL")).scalar()
    assert rows == {"d1": "370783001001", "d2": None} and ends == 2
    ev.engine.dispose()
