"""Review 22: the supervision keeps people's names it never reads.

Its worker applies every registry event to the chassis people view (``people_view``: name,
categories, representative roles) as well as to ``person_versions`` (unit, status, ID digest,
day), and nothing of the supervision reads ``people_view`` but the replay's digest: no figure,
alert or answer uses a name ("never a name", README). So the supervision's database holds the
name of every person of the county, one more copy to protect, back up and leak, for nothing
(data minimisation). Expected: the supervision keeps only ``person_versions``, or the people view
without names."""

from __future__ import annotations

import sqlalchemy as sa

from services.supervision.tests.conftest import HOME_A
from services.supervision.tests.events import person_event


def test_the_supervision_keeps_no_name(sv, feed):
    feed(person_event("a1", unit=HOME_A, name="王小明"))
    found = []
    with sv.engine.connect() as conn:
        metadata = sa.MetaData()
        metadata.reflect(bind=conn)
        for table in metadata.sorted_tables:
            for row in conn.execute(sa.select(table)).mappings():
                found += [f"{table.name}.{k}" for k, v in row.items() if isinstance(v, str) and "王小明" in v]
    assert found == []
