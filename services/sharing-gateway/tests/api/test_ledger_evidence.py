"""Evidence that survives the gateway's own operator, on SQLite and PostgreSQL.

The ledger table refuses UPDATE, DELETE (and TRUNCATE); an operator with full control drops
that guard, edits, deletes or reorders records and recomputes every hash so the chain verifies
on its own; the signed checkpoints an agency received in its feed still expose the rewrite
and name the first position that differs from what was signed (``gateway-admin verify``).
Checkpoints reach every running feed and the checkpoint topic (signing-key rotation:
``test_feeds_and_notices``)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from sharing_gateway.adapters.tables import ledger, ledger_checkpoints, ledger_head, outbox
from sharing_gateway.domain import checkpoint, signing
from sharing_gateway.domain import ledger as chain
from sharing_gateway.entrypoints import admin
from sharing_gateway.service_layer import checkpoints
from sharing_gateway.service_layer import ledger as ledger_service

from ..conftest import operator_environment
from .feed_helpers import feed, member_event

CONTENT = ("agency", "event_id", "sequence", "event_type", "fields", "policy_version", "payload_digest", "at")


def make_checkpoint(gateway, **how):
    with gateway.uow() as uow:
        made = checkpoints.make(uow, gateway.delivery, gateway.checkpoint_schedule, **how)
        uow.commit()
        return made


def refuses(gateway, statement: str) -> None:
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), gateway.engine.begin() as conn:
        conn.exec_driver_sql(statement)


def history(gateway, consume) -> None:
    """Three deliveries, each followed by a checkpoint: checkpoints at positions 1, 6 and 11."""
    for i, roles in enumerate(((("cppcc", "county"),), (("npc", "county"),), (("cppcc", "county"),))):
        consume(member_event(f"p{i}", roles=roles))
        assert make_checkpoint(gateway) is not None


def operator_rewrites(gateway, rewrite) -> None:
    """What someone with full control of the database can do: drop the guard, rewrite, rechain."""
    with gateway.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP TRIGGER disclosure_ledger_append_only ON disclosure_ledger")
        else:
            conn.exec_driver_sql("DROP TRIGGER disclosure_ledger_no_update")
            conn.exec_driver_sql("DROP TRIGGER disclosure_ledger_no_delete")
        rewrite(conn)
        prev = chain.GENESIS
        rows = conn.execute(sa.select(ledger).order_by(ledger.c.position)).mappings().all()
        for r in rows:
            digest = chain.record_hash(prev, r)
            conn.execute(ledger.update().where(ledger.c.position == r["position"]).values(prev_hash=prev, hash=digest))
            prev = digest
        conn.execute(ledger_head.update().values(position=len(rows), hash=prev))


def edit(position):
    return lambda conn: conn.execute(ledger.update().where(ledger.c.position == position).values(agency="court"))


def delete(position):
    def rewrite(conn):
        conn.execute(ledger.delete().where(ledger.c.position == position))
        later = conn.execute(sa.select(ledger.c.position).where(ledger.c.position > position).order_by("position"))
        for (p,) in later.all():
            conn.execute(ledger.update().where(ledger.c.position == p).values(position=p - 1))

    return rewrite


def swap(position):
    def rewrite(conn):
        a, b = (
            conn.execute(sa.select(*(ledger.c[k] for k in CONTENT)).where(ledger.c.position == p)).mappings().one()
            for p in (position, position + 1)
        )
        conn.execute(ledger.update().where(ledger.c.position == position).values(**b))
        conn.execute(ledger.update().where(ledger.c.position == position + 1).values(**a))

    return rewrite


def kept_by(client, key) -> list[dict]:
    """The checkpoints an agency kept from its feed, verified against the published keys."""
    jwks = client.get("/.well-known/tongxin-feed-keys").get_json()["keys"]
    good, forged = checkpoint.trusted(checkpoint.from_export([feed(client, key)]), jwks)
    assert forged == []
    return good


def test_the_ledger_refuses_update_delete_and_truncate(gateway, consume):
    consume(member_event())
    refuses(gateway, "UPDATE disclosure_ledger SET agency = 'court'")
    refuses(gateway, "DELETE FROM disclosure_ledger")
    if gateway.engine.dialect.name == "postgresql":
        refuses(gateway, "TRUNCATE disclosure_ledger")
    with gateway.engine.connect() as conn:
        assert (
            ledger_service.verify_all(gateway.uow).ok and conn.execute(sa.select(ledger.c.agency)).scalar() == "cppcc"
        )


def overwrite(conn, table: sa.Table, column: str, value: str) -> str:
    """An INSERT onto position 1 that would replace its row with one whose ``column`` is ``value``."""
    names = [c.name for c in table.columns]
    chosen = ", ".join(value if n == column else n for n in names)
    select = f"SELECT {chosen} FROM {table.name} WHERE position = 1"
    if conn.dialect.name == "postgresql":
        upsert = f"ON CONFLICT (position) DO UPDATE SET {column} = EXCLUDED.{column}"
        return f"INSERT INTO {table.name} ({', '.join(names)}) {select} {upsert}"
    return f"INSERT OR REPLACE INTO {table.name} ({', '.join(names)}) {select}"


def test_the_ledger_and_its_checkpoints_refuse_an_insert_over_an_existing_position(gateway, consume):
    """SQLite's REPLACE deletes the old row without the DELETE trigger; PostgreSQL's ON CONFLICT
    DO UPDATE is an UPDATE: both are refused, and both tables are left as they were."""
    consume(member_event())
    made = make_checkpoint(gateway)
    with gateway.engine.connect() as conn:
        refuses(gateway, overwrite(conn, ledger, "agency", "'police-forged'"))
        refuses(gateway, overwrite(conn, ledger_checkpoints, "through", "999"))
    with gateway.engine.connect() as conn:
        assert ledger_service.verify_all(gateway.uow).ok
        assert conn.execute(sa.select(ledger.c.agency).where(ledger.c.position == 1)).scalar() == "cppcc"
        assert conn.execute(sa.select(ledger_checkpoints.c.through, ledger_checkpoints.c.checkpoint)).one() == (
            1 + len(gateway.policies),  # the checkpoint's own deliveries, one to each feed
            made,
        )


def test_checkpoints_reach_every_running_feed_and_the_checkpoint_topic(gateway, client, keys, consume, staff):
    history(gateway, consume)
    for agency, key in keys.items():
        entries = [e for e in feed(client, key)["entries"] if e["type"] == checkpoint.TYPE]
        assert [e["data"]["position"] for e in entries] == [1, 6, 11], agency
    cppcc = kept_by(client, keys["cppcc"])
    with gateway.engine.connect() as conn:
        heads = dict(
            conn.execute(sa.select(ledger.c.position, ledger.c.hash).where(ledger.c.position.in_(cppcc))).all()
        )
        published = [
            json.loads(bytes(p))["data"]
            for (p,) in conn.execute(sa.select(outbox.c.payload).where(outbox.c.topic == "gateway.checkpoints.v1"))
        ]
    assert cppcc == heads and [p["position"] for p in published] == [1, 6, 11]
    # nothing new but its own deliveries: no checkpoint
    assert make_checkpoint(gateway, only_if_due=True) is None
    # Paused, the NPC misses the next checkpoint and gets the one after.
    client.post("/agencies/npc/pause", json={}, headers=staff("gateway_admin"))
    consume(member_event("p9", roles=(("cppcc", "county"),)))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=gateway.settings.checkpoint_interval_seconds + 1)
    assert make_checkpoint(gateway, now=later, only_if_due=True)["position"] == 16
    assert [e["data"].get("position") for e in feed(client, keys["npc"])["entries"]][-1] == 11
    verdict = client.get("/ledger/verify", headers=staff("auditor")).get_json()
    assert verdict["ok"] and verdict["records"] == 16 + 3  # the paused NPC got no entry


@pytest.mark.parametrize(
    "rewrite, first_bad, vouched",
    [(edit(6), 6, 1), (edit(3), 6, 1), (delete(6), 6, 1), (swap(6), 6, 1), (delete(9), 11, 6)],
    ids=["edit-checkpointed", "edit-between", "delete", "reorder", "delete-between"],
)
def test_a_rewritten_and_rehashed_ledger_is_caught_by_the_agencies_checkpoints(
    gateway, client, keys, consume, rewrite, first_bad, vouched
):
    history(gateway, consume)
    kept = kept_by(client, keys["cppcc"])
    assert ledger_service.verify_all(gateway.uow, kept).ok
    operator_rewrites(gateway, rewrite)
    assert ledger_service.verify_all(gateway.uow).ok  # the chain alone is fooled
    verdict = ledger_service.verify_all(gateway.uow, kept)
    assert not verdict.ok and verdict.position == first_bad and verdict.vouched_through == vouched, verdict


def deliveries_in_a_row(gateway, consume) -> None:
    """Four deliveries to the CPPCC alone (positions 1 to 4), then a checkpoint at 4 (5 to 8: its
    delivery into each feed)."""
    for i in range(4):
        consume(member_event(f"p{i}", roles=(("cppcc", "county"),)))
    assert make_checkpoint(gateway)["position"] == 4


@pytest.mark.parametrize(
    "rewrite, first_bad",
    [(edit(2), 2), (delete(2), 2), (swap(2), 2), (edit(3), 3), (delete(1), 1), (swap(3), 3)],
    ids=["edit", "delete", "reorder", "edit-later", "delete-first", "reorder-later"],
)
def test_the_feed_entries_an_agency_holds_name_the_first_rewritten_record(
    gateway, client, keys, consume, rewrite, first_bad
):
    deliveries_in_a_row(gateway, consume)
    exported = [feed(client, keys["cppcc"])]
    jwks = client.get("/.well-known/tongxin-feed-keys").get_json()["keys"]
    kept = kept_by(client, keys["cppcc"])
    entries, forged = checkpoint.trusted_entries(checkpoint.entries_from_export(exported), jwks)
    assert forged == [] and [e["sequence"] for e in entries] == [1, 2, 3, 4, 5]
    verdict = ledger_service.verify_all(gateway.uow, kept, entries)
    assert verdict.ok and (verdict.records, verdict.vouched_through, verdict.not_yet_vouched) == (8, 4, 4)
    operator_rewrites(gateway, rewrite)
    assert ledger_service.verify_all(gateway.uow).ok  # the chain alone is fooled
    by_checkpoint = ledger_service.verify_all(gateway.uow, kept)
    verdict = ledger_service.verify_all(gateway.uow, kept, entries)
    assert not by_checkpoint.ok and by_checkpoint.position == 4  # a checkpoint only bounds the rewrite
    assert not verdict.ok and verdict.position == first_bad and verdict.entries == 5, verdict
    assert f"record {first_bad}" in verdict.problem


def test_gateway_admin_verify_takes_the_checkpoints_an_agency_exported(
    gateway, client, keys, consume, tmp_path, monkeypatch, capsys
):
    history(gateway, consume)
    exported = tmp_path / "cppcc-feed.jsonl"
    exported.write_text("\n".join(json.dumps(e) for e in feed(client, keys["cppcc"])["entries"]))
    jwks = tmp_path / "keys.json"
    jwks.write_text(client.get("/.well-known/tongxin-feed-keys").get_data(as_text=True))
    operator_environment(gateway, monkeypatch)
    assert admin.main(["verify", "--checkpoints", str(exported), "--keys", str(jwks)]) == 0
    out, err = capsys.readouterr()
    assert (json.loads(out)["vouched_through"], json.loads(out)["not_yet_vouched"]) == (11, 4)
    assert "records 12 to 15 come after the last checkpoint" in err
    operator_rewrites(gateway, edit(4))
    assert admin.main(["verify-ledger"]) == 0  # the chain alone
    capsys.readouterr()
    assert admin.main(["verify", "--checkpoints", str(exported)]) == 1
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["position"] == 6 and "records 2 to 6" in verdict["problem"]
    # A checkpoint the operator forged with a key of their own is no evidence.
    forged = signing.Signer(signing.write_new(tmp_path / "forger.pem").key)
    fake = checkpoint.make(forged, 6, "0" * 64, dt.datetime.now(dt.UTC), 1000, dt.timedelta(hours=1))
    exported.write_text(json.dumps([fake]))
    assert admin.main(["verify", "--checkpoints", str(exported), "--keys", str(jwks)]) == 2
