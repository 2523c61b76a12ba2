"""The in-memory unit of work keeps a service's fake repositories in step with the transaction, as
the real one keeps the tables: committed state stays, uncommitted state is dropped."""

import pytest

from chassis.contracts.evaluation import ROUND_OPENED
from chassis.fakes import FakeUnitOfWork, NoDatabase
from chassis.outbox import Outbox
from libs.chassis.tests.unit.test_unit_of_work import ROUND, metadata


class Notes:
    def __init__(self) -> None:
        self.rows: dict[int, str] = {}


@pytest.fixture
def uow():
    fake = FakeUnitOfWork(Outbox(metadata.tables["outbox"], "/tests"), repositories=("notes",))
    fake.notes = Notes()
    return fake


def test_committed_writes_stay_and_uncommitted_ones_are_dropped(uow):
    with uow:
        uow.notes.rows[1] = "kept"
        uow.emit(ROUND_OPENED, "r1", ROUND)
        uow.commit()
        uow.notes.rows[2] = "after the commit, never committed"
    with uow:
        uow.notes.rows[1] = "changed, then refused"
        uow.notes.rows[3] = "refused"
        uow.emit(ROUND_OPENED, "r1", ROUND)
    assert uow.notes.rows == {1: "kept"}
    assert [e.type for e in uow.events] == [ROUND_OPENED] and uow.commits == 1


def test_an_explicit_rollback_restores_the_last_commit(uow):
    with uow:
        uow.notes.rows[1] = "first"
        uow.commit()
        uow.notes.rows[1] = "second"
        uow.rollback()
        assert uow.notes.rows == {1: "first"}


def test_a_use_case_that_reaches_for_the_database_fails_loudly(uow):
    with uow, pytest.raises(NoDatabase):
        uow.session.execute("select 1")
