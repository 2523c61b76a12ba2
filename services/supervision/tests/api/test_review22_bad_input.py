"""Review 22: bad input to the task list is a 4xx problem in Chinese and English, never a 500.

``alert_tasks.task_list`` decodes the cursor's instant with ``fromisoformat(...).astimezone(UTC)``
and catches ``ValueError`` only: an instant at the edge of the calendar with an offset that pushes
it past year 9999 or before year 1 raises ``OverflowError``, a 500 with a traceback in the log
(anyone with a staff token can produce them at will). Expected: 422 naming ``cursor``.

An acknowledgement must say what is being done (a blank note is refused), but a note of only
invisible characters (zero-width space, U+200B) is kept as if it said something. Expected: 422."""

from __future__ import annotations

import base64
import json

import pytest
import sqlalchemy as sa

from services.supervision.tests.api.test_alerts_api import seeded
from services.supervision.tests.conftest import COUNTY
from supervision.adapters.tables import alert_acknowledgements


def cursor(*key):
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"])
def test_a_cursor_past_the_calendar_is_a_problem_not_a_server_error(sv, feed, client, auth, at):
    seeded(sv, feed)
    r = client.get("/alerts", query_string={"cursor": cursor(at, "x")}, headers=auth())
    assert r.status_code == 422, r.get_json()
    body = r.get_json()
    assert r.mimetype == "application/problem+json" and body["detail"] == "分页游标无效" and body["detail_en"]


def test_a_note_of_invisible_characters_is_refused_and_nothing_is_kept(sv, feed, client, auth):
    seeded(sv, feed)
    editor = auth(roles=("editor",), unit=COUNTY)
    alert = client.get("/alerts", headers=editor).get_json()["items"][0]
    r = client.post(f"/alerts/{alert['id']}/acknowledge", json={"note": "\u200b\u200b"}, headers=editor)
    assert r.status_code == 422 and r.mimetype == "application/problem+json", r.get_json()
    with sv.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(alert_acknowledgements)).scalar() == 0
