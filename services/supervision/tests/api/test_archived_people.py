"""An archived person's past ID digests (review of issue 20): the view keeps every version of a
person, so without care it would keep every ID digest the person ever had (a corrected ID number, a
digest under a retired key) after the registry's compacted topic holds only the newest. When the
registry publishes that a person is archived (merged away included), the versions before it keep
no digest but the newest (the one the topic still holds), whatever order the versions arrive in,
and a replay gives the same view."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from services.supervision.tests.conftest import HOME_A, TOWN_A
from services.supervision.tests.events import notice, person_event
from supervision.adapters.tables import person_versions
from supervision.service_layer import view

OLD, NEW = "k0:".ljust(64, "a"), "k1:".ljust(64, "b")


def at(envelope, iso):
    return dataclasses.replace(envelope, time=iso)


def versions(sv, person="p1"):
    with sv.engine.connect() as conn:
        rows = conn.execute(
            sa.select(person_versions.c.version, person_versions.c.status, person_versions.c.id_digest)
            .where(person_versions.c.person_id == person)
            .order_by(person_versions.c.version)
        )
        return [tuple(r) for r in rows]


HISTORY = [
    at(person_event("p1", unit=HOME_A, version=1, digest=OLD), "2026-08-10T02:00:00+00:00"),
    at(person_event("p1", unit=HOME_A, version=2, digest=NEW), "2026-09-10T02:00:00+00:00"),  # rekeyed
    at(person_event("p1", unit=HOME_A, version=3, digest=NEW, status="archived"), "2026-11-05T02:00:00+00:00"),
]
DROPPED = [(1, "active", None), (2, "active", NEW), (3, "archived", NEW)]


def test_archiving_drops_the_past_digests_and_keeps_the_one_the_topic_holds(sv, feed):
    feed(*HISTORY[:2])
    assert versions(sv) == [(1, "active", OLD), (2, "active", NEW)]
    feed(HISTORY[2])
    assert versions(sv) == DROPPED


def test_a_version_arriving_after_the_archiving_keeps_no_digest_either(sv, feed):
    feed(HISTORY[2], HISTORY[0], HISTORY[1])
    assert versions(sv) == DROPPED
    feed(HISTORY[0])  # delivered again
    assert versions(sv) == DROPPED


def test_a_person_restored_keeps_the_restored_versions_digest(sv, feed):
    feed(*HISTORY, at(person_event("p1", unit=HOME_A, version=4, digest=NEW), "2026-11-06T02:00:00+00:00"))
    assert versions(sv) == [*DROPPED, (4, "active", NEW)]


def test_a_past_months_notice_under_a_dropped_digest_is_nobodys(sv, client, auth, feed):
    # An August notice named p1 by the digest under the retired key, an October one by today's.
    feed(*HISTORY[:2], notice("n0", OLD, received_at="2026-08-20T02:00:00+00:00"),
         notice("n1", NEW, received_at="2026-10-05T02:00:00+00:00"))  # fmt: skip
    assert (notices(client, auth, "2026-08"), notices(client, auth, "2026-10")) == (1, 1)
    feed(HISTORY[2])
    # Open months follow the view: nothing in it ties the August notice to p1 any more; October's
    # digest is the one the registry still publishes.
    assert (notices(client, auth, "2026-08"), notices(client, auth, "2026-10")) == (0, 1)


def notices(client, auth, month):
    r = client.get(f"/assessments/{month}", query_string={"unit": TOWN_A}, headers=auth(("evaluator",)))
    return next(f for f in r.get_json()["figures"] if f["indicator"] == "notices_handled")["events"]


def test_a_replay_rebuilds_the_same_view(sv, feed):
    feed(*HISTORY)
    digest = view.digest_of_view(sv.engine)
    view.reset(sv.uow, sv.clock())
    feed(HISTORY[2])  # the compacted topic holds the newest version only
    assert versions(sv) == DROPPED and view.digest_of_view(sv.engine) == digest
