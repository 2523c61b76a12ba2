"""A replay of the view cannot bring back what the event topics no longer hold (they keep
``EVENT_RETENTION_DAYS``): the reset keeps the facts older than that window and empties only the
newer ones, which the replay reads again (review 21)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from chassis.topics import EVENT_RETENTION_DAYS, SERVICEDESK, retention
from services.supervision.tests.conftest import HOME_A, HOME_B, NOW
from services.supervision.tests.events import activity, person_event
from supervision.adapters.tables import facts, person_versions
from supervision.service_layer import view


def at(envelope, iso):
    return dataclasses.replace(envelope, time=iso)


def kept(sv) -> set[str]:
    with sv.engine.connect() as conn:
        return set(conn.execute(sa.select(facts.c.event_id)).scalars())


def test_a_reset_keeps_the_facts_older_than_the_topics_retention_and_empties_the_newer(sv, feed):
    # servicedesk.v1 keeps its records EVENT_RETENTION_DAYS: an activity of August is gone from it by the
    # end of September, so the view is the only place it is left.
    assert retention(SERVICEDESK)["retention.ms"] == str(EVENT_RETENTION_DAYS * 24 * 3600 * 1000)
    old = at(activity("act-aug", HOME_A, 30, held_on="2026-08-01"), (NOW - dt.timedelta(days=100)).isoformat())
    recent = at(activity("act-nov", HOME_A, 10, held_on="2026-11-18"), (NOW - dt.timedelta(days=2)).isoformat())
    feed(old, recent)
    assert kept(sv) == {old.id, recent.id}
    view.reset(sv.uow, NOW)
    assert kept(sv) == {old.id}  # the recent one is read again from its topic by the replay
    feed(old, recent)  # a topic that still holds the old one brings it again: kept once
    assert kept(sv) == {old.id, recent.id}


def test_a_reset_keeps_the_person_versions_older_than_the_retention(sv, feed):
    # registry.person.v1 is compacted after EVENT_RETENTION_DAYS: only each person's newest version stays,
    # so the version that placed a person in town A in August lives on in the view alone.
    august = at(person_event("p1", unit=HOME_A, version=1), (NOW - dt.timedelta(days=100)).isoformat())
    november = at(person_event("p1", unit=HOME_B, version=2), (NOW - dt.timedelta(days=2)).isoformat())
    feed(august, november)
    view.reset(sv.uow, NOW)
    with sv.engine.connect() as conn:
        assert conn.execute(sa.select(person_versions.c.version)).scalars().all() == [1]
    feed(november, august)
    with sv.uow() as uow:
        assert [(p.unit_code, p.updated_on) for p in uow.supervision.people("2026-08-31")] == [(HOME_A, "2026-08-12")]


def test_the_view_keeps_no_name_and_its_digest_follows_each_persons_versions(sv, feed):
    # Nothing of the supervision reads a name, a category or a role: none is kept (review 22).
    versions = [person_event("a1", unit=HOME_A, name="王小明"), person_event("a1", unit=HOME_B, version=2)]
    feed(versions[0])
    with sv.engine.connect() as conn:
        metadata = sa.MetaData()
        metadata.reflect(bind=conn)
        kept_strings = [
            f"{table.name}.{column}"
            for table in metadata.sorted_tables
            for row in conn.execute(sa.select(table)).mappings()
            for column, value in row.items()
            if isinstance(value, str) and ("王小明" in value or "non_party_representative" in value)
        ]
    assert kept_strings == []
    assert "people_view" not in metadata.tables
    # The digest still tells the people apart: a person's new version (a move) changes it; a replay does not.
    first = view.digest_of_view(sv.engine)
    feed(versions[1])
    moved = view.digest_of_view(sv.engine)
    view.reset(sv.uow, NOW)
    feed(*reversed(versions))
    assert view.digest_of_view(sv.engine) == moved != first
