"""The gateway's one lock order on PostgreSQL: the ledger's head before any agency's row.

A notice's receipt appends to the ledger, then to the agency's feed; the worker's delivery to the
same feed used to take the feed's row first and then wait for the ledger. With the notice queued on
the ledger first, the two deadlocked and PostgreSQL failed one of them: the court got a 500 (seen in
CI, ``test_a_court_notice_reaches_each_feed_as_its_policy_allows[postgresql]``). These tests build
that interleaving on purpose, with a third transaction holding the ledger's head while both queue."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import sqlalchemy as sa
from sharing_gateway.adapters.tables import agencies, feed_entries, ledger_head
from sharing_gateway.service_layer import feeds

from tests.support.infra import wait_for

from .feed_helpers import api, notice

ONLY_POSTGRESQL = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def _waiting_on_locks(engine, expected: int) -> bool:
    with engine.connect() as conn:
        waiting = conn.execute(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).scalar_one()
    return waiting >= expected


def _deliver_to_court(gateway, outcome: dict) -> None:
    try:
        with gateway.uow() as uow:
            now = dt.datetime.now(dt.UTC)
            data = {"person_id": "p-lock", "reason": "测试"}
            event_type = "cn.tongxin.evaluation.veto.applied.v1"
            feeds.append(uow, gateway.delivery, "court", "court@test", "ev-lock-1", event_type, now, data)
            uow.commit()
        outcome["delivered"] = True
    except Exception as exc:
        outcome["delivered"] = exc


@ONLY_POSTGRESQL
def test_a_notice_and_a_delivery_to_the_same_feed_at_once_both_succeed(gateway, client, keys, signers):
    from sharing_gateway import notice_sender

    body, content_type = notice_sender.signed(signers["court"], notice(notice_id="N-lock"))
    answers: dict = {}
    outcome: dict = {}
    holder = gateway.engine.connect()
    holder.begin()
    holder.execute(sa.select(ledger_head).where(ledger_head.c.id == 1).with_for_update())
    try:
        receiving = threading.Thread(
            target=lambda: answers.update(
                notice=client.post("/notices", data=body, headers={**api(keys["court"]), **content_type})
            )
        )
        receiving.start()  # queues on the ledger's head first ...
        wait_for(lambda: _waiting_on_locks(gateway.engine, 1), 20, interval=0.05, message="the notice waits")
        delivering = threading.Thread(target=_deliver_to_court, args=(gateway, outcome))
        delivering.start()  # ... then the worker's delivery to the court's feed
        wait_for(lambda: _waiting_on_locks(gateway.engine, 2), 20, interval=0.05, message="the delivery waits")
        time.sleep(0.2)
    finally:
        holder.rollback()
        holder.close()
    receiving.join(30)
    delivering.join(30)

    assert answers["notice"].status_code == 201, answers["notice"].get_json()
    assert outcome["delivered"] is True
    with gateway.engine.connect() as conn:
        sequences = conn.execute(
            sa.select(feed_entries.c.seq).where(feed_entries.c.agency == "court").order_by(feed_entries.c.seq)
        ).scalars()
        assert list(sequences) == [1, 2]  # the receipt and the delivery, gap-free
        last = conn.execute(sa.select(agencies.c.last_seq).where(agencies.c.code == "court")).scalar_one()
        assert last == 2


@ONLY_POSTGRESQL
def test_a_delivery_waiting_for_the_ledger_holds_no_agency_row(gateway):
    outcome: dict = {}
    holder = gateway.engine.connect()
    holder.begin()
    holder.execute(sa.select(ledger_head).where(ledger_head.c.id == 1).with_for_update())
    try:
        delivering = threading.Thread(target=_deliver_to_court, args=(gateway, outcome))
        delivering.start()
        wait_for(lambda: _waiting_on_locks(gateway.engine, 1), 20, interval=0.05, message="the delivery waits")
        with gateway.engine.connect() as other:
            court = sa.select(agencies.c.code).where(agencies.c.code == "court").with_for_update(nowait=True)
            assert other.execute(court).scalar_one() == "court"  # not held: no LockNotAvailable
            other.rollback()
    finally:
        holder.rollback()
        holder.close()
    delivering.join(30)
    assert outcome["delivered"] is True


@ONLY_POSTGRESQL
def test_the_ledger_verified_while_it_grows_is_whole(gateway, consume, monkeypatch):
    """Verifying reads the records, then compared the head, read after them: a delivery committed in
    between ran the head past the records read and a whole ledger read "records after the last one
    are missing" (seen in CI, ``test_a_worker_killed_mid_batch_loses_and_doubles_nothing``). The head
    is read first now: records appended meanwhile only lengthen the walk."""
    from sharing_gateway.domain import ledger as chain
    from sharing_gateway.service_layer import ledger as ledger_service

    from .feed_helpers import member_event

    consume(member_event("p-grow-1"))
    walk = chain.verify

    def delivery_lands_mid_walk(rows, *args):
        rows = list(rows)  # the records as read, then a delivery commits before the walk ends
        consume(member_event("p-grow-2", roles=(("npc", "county"),)))
        return walk(rows, *args)

    monkeypatch.setattr(chain, "verify", delivery_lands_mid_walk)
    with gateway.uow() as uow:
        verdict = ledger_service.verify(uow)
    assert verdict.ok, verdict
    monkeypatch.setattr(chain, "verify", walk)
    with gateway.uow() as uow:
        assert ledger_service.verify(uow).records > verdict.records  # the delivery did land
