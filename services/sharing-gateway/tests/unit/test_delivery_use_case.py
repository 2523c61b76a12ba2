"""Delivering a source event into agencies' feeds (``service_layer.source_events.on_event``, the
worker's use case) on the in-memory unit of work, under the shipped policies: who gets what, signed
and in the ledger, fast and without a database. The API and Kafka suites prove the same on SQLite
and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sharing_gateway.domain import ledger as chain
from sharing_gateway.domain import policy_files, signing
from sharing_gateway.domain.signing import Signer
from sharing_gateway.service_layer import source_events
from sharing_gateway.service_layer.feeds import Delivery

from chassis.contracts.evaluation import PERSON_SCORED
from chassis.digests import DigestKey
from chassis.events import Envelope

from ..fakes import FakeUnitOfWork

POLICIES = policy_files.load_dir(Path(__file__).resolve().parents[4] / "deploy" / "policies")
DELIVERY = Delivery(POLICIES, Signer(Ed25519PrivateKey.generate()), DigestKey("t1", "a transform key long enough here"))
IN_COUNTY, ELSEWHERE = "370783001001", "370784001001"
MEMBER = [{"body": "cppcc", "level": "county"}]


def scored(unit: str = IN_COUNTY) -> Envelope:
    data = {"round_id": "r1", "person_id": "p1", "unit_code": unit, "composite": "88.5", "rank": 1,
            "cohort_size": 10, "status": "ranked", "scores": {"official": "90"}}  # fmt: skip
    return Envelope.new(type=PERSON_SCORED, source="/tongxin/evaluation", subject="p1", data=data)


@pytest.fixture
def uow():
    return FakeUnitOfWork({code: p.version_label for code, p in POLICIES.items()})


def test_an_event_reaches_only_the_entitled_agency_signed_filtered_and_in_the_ledger(uow):
    event = scored()
    source_events.on_event(uow.factory(), DELIVERY, event, MEMBER)

    assert list(uow.feeds.entries) == ["cppcc"]
    entry = uow.feeds.entries["cppcc"][0]
    assert (entry["id"], entry["sequence"]) == (event.id, 1)
    assert set(entry["data"]) <= set(POLICIES["cppcc"].shares[PERSON_SCORED].fields)  # no "scores"
    assert signing.verify(entry, [DELIVERY.signer.jwk()])
    assert [(a, i) for a, i, _ in uow.feed_entries] == [("cppcc", "cppcc:1")]
    (record,) = uow.ledger.records
    assert (record["agency"], record["sequence"], record["payload_digest"]) == ("cppcc", 1, chain.entry_digest(entry))
    (disclosed,) = uow.disclosures.rows  # in the person's disclosure record, with the ledger position
    assert (disclosed["person_id"], disclosed["agency"], disclosed["ledger_position"]) == ("p1", "cppcc", 1)
    assert disclosed["fields"] == sorted(entry["data"]) and disclosed["policy_version"] == entry["policyversion"]


def test_the_same_event_twice_is_delivered_once(uow):
    event = scored()
    source_events.on_event(uow.factory(), DELIVERY, event, MEMBER)
    source_events.on_event(uow.factory(), DELIVERY, event, MEMBER)
    assert len(uow.feeds.entries["cppcc"]) == 1 and len(uow.ledger.records) == 1


@pytest.mark.parametrize(
    ("unit", "roles"), [(ELSEWHERE, MEMBER), (IN_COUNTY, [])], ids=["outside region", "not a member"]
)
def test_an_event_the_policy_does_not_admit_goes_nowhere(uow, unit, roles):
    source_events.on_event(uow.factory(), DELIVERY, scored(unit), roles)
    assert uow.feeds.entries == {} and uow.ledger.records == [] and uow.feed_entries == []
    assert uow.disclosures.rows == []


def test_a_paused_feed_holds_the_event_and_discloses_nothing():
    uow = FakeUnitOfWork({})  # no agency's feed is in force
    event = scored()
    source_events.on_event(uow.factory(), DELIVERY, event, MEMBER)
    assert [(agency, held["id"]) for agency, held in uow.feeds.held] == [("cppcc", event.id)]
    assert uow.feeds.entries == {} and uow.ledger.records == []
