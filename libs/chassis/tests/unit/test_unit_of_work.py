"""The chassis unit of work on a real SQLite database: what it stages, checks and rolls back."""

import dataclasses
import json

import pytest
import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.orm import Session

from chassis.contracts.evaluation import ROUND_OPENED
from chassis.contracts.feed import RECEIPT, FeedEntryRefused
from chassis.db import make_engine
from chassis.outbox import Outbox, outbox_table
from chassis.sensitive import SensitiveDataRefused
from chassis.unit_of_work import UnitOfWork

metadata = sa.MetaData()
outbox = outbox_table(metadata)
notes = sa.Table("notes", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("text", sa.String))


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'uow.db'}")  # as the services make theirs
    metadata.create_all(engine)
    return engine


ROUND = {
    "round_id": "r1",
    "name": "2025",
    "scope_unit": "370783000000",
    "state": "open",
    "cohort_size": 3,
    "starts_on": "2025-01-01",
    "ends_on": "2025-12-31",
}


def uow(engine, session=None) -> UnitOfWork:
    return UnitOfWork(engine, Outbox(outbox, "/tongxin/test"), session=session)


def rows(engine, table=outbox) -> list:
    with engine.connect() as conn:
        return conn.execute(sa.select(table)).mappings().all()


def test_a_committed_unit_writes_the_state_and_its_event_together(engine):
    with uow(engine) as u:
        u.session.execute(notes.insert(), {"id": 1, "text": "x"})
        envelope = u.emit(ROUND_OPENED, "r1", ROUND)
        u.commit()
    [row] = rows(engine)
    assert (row["event_type"], row["key"], row["topic"]) == (ROUND_OPENED, "r1", "evaluation.v1")
    assert json.loads(row["payload"])["id"] == envelope.id
    assert len(rows(engine, notes)) == 1


def test_leaving_without_commit_or_on_an_error_leaves_nothing(engine):
    with uow(engine) as u:
        u.session.execute(notes.insert(), {"id": 1, "text": "x"})
        u.emit(ROUND_OPENED, "r1", ROUND)
    with pytest.raises(RuntimeError), uow(engine) as u:
        u.session.execute(notes.insert(), {"id": 2, "text": "y"})
        raise RuntimeError("a rule refused")
    assert rows(engine) == [] and rows(engine, notes) == []


def test_emit_checks_the_contract_and_the_sensitive_data_rule(engine):
    with uow(engine) as u:
        with pytest.raises(ValidationError):
            u.emit(ROUND_OPENED, "r1", {**ROUND, "cohort_size": "three"})
        with pytest.raises(SensitiveDataRefused):
            u.emit(ROUND_OPENED, "r1", {**ROUND, "name": "身份证 11010519491231002X"})
        u.commit()
    assert rows(engine) == []


def test_a_joined_unit_leaves_the_commit_to_the_owner_of_the_session(engine):
    with Session(engine) as session:
        session.begin()
        with uow(engine, session) as u:
            u.emit(ROUND_OPENED, "r1", ROUND)
            u.commit()
        assert session.in_transaction()
        session.rollback()
    assert rows(engine) == []


def test_a_joined_unit_left_without_commit_undoes_its_own_part_only(engine):
    with Session(engine) as session:
        session.begin()
        with uow(engine, session) as kept:
            kept.emit(ROUND_OPENED, "r1", ROUND)
            kept.commit()
        with uow(engine, session) as refused:
            refused.emit(ROUND_OPENED, "r2", ROUND)  # and then a rule refuses: no commit
        with pytest.raises(RuntimeError), uow(engine, session) as failed:
            failed.emit(ROUND_OPENED, "r3", ROUND)
            raise RuntimeError("the use case fails")
        with uow(engine, session) as undone:
            undone.emit(ROUND_OPENED, "r4", ROUND)
            undone.rollback()
        assert session.in_transaction()  # the owner's transaction goes on
        session.commit()
    assert [json.loads(r.payload)["subject"] for r in rows(engine)] == ["r1"]


def entry(**changes) -> dict:
    base = {
        "specversion": "1.0",
        "id": "receipt:court:N-1",
        "type": RECEIPT,
        "source": "/tongxin/sharing-gateway",
        "time": "2026-01-01T00:00:00+00:00",
        "datacontenttype": "application/json",
        "agency": "court",
        "sequence": 1,
        "policyversion": "court@v1#x",
        "data": {"notice_id": "N-1", "status": "accepted"},
        "signature": {"alg": "Ed25519", "kid": "k1", "value": "sig"},
    }
    return {**base, **changes}


def test_a_signed_feed_entry_is_staged_as_signed_for_its_agency(engine):
    with uow(engine) as u:
        u.emit_signed("court", "court:1", entry())
        u.commit()
    [row] = rows(engine)
    assert (row["topic"], row["key"], row["event_id"]) == ("feed.court.v1", "court", "court:1")
    assert row["event_type"] == RECEIPT
    assert json.loads(row["payload"]) == entry()


@pytest.mark.parametrize(
    "bad",
    [
        entry(signature=None),
        entry(agency="npc"),
        entry(sequence=0),
        entry(type="cn.tongxin.nobody.v1"),
        entry(data={"notice_id": "N-1", "id_number": "110101199003071234"}),
        entry(type=ROUND_OPENED, data={"round_id": "r1", "religion": "x"}),
        {k: v for k, v in entry().items() if k != "policyversion"},
    ],
)
def test_a_feed_entry_that_breaks_its_contract_is_refused(engine, bad):
    with uow(engine) as u, pytest.raises(FeedEntryRefused):
        u.emit_signed("court", "court:1", bad)


def test_a_prepared_event_is_staged_later_as_it_was_and_checked_again(engine):
    with uow(engine) as u:
        held = u.prepare(ROUND_OPENED, "r1", ROUND)
        u.commit()
    assert rows(engine) == []  # prepared, not staged
    with uow(engine) as u:
        u.emit_held(held)
        with pytest.raises(SensitiveDataRefused):
            u.emit_held(dataclasses.replace(held, data={**ROUND, "name": "身份证 11010519491231002X"}))
        u.commit()
    [row] = rows(engine)
    assert json.loads(row["payload"])["id"] == held.id and row["topic"] == "evaluation.v1"
