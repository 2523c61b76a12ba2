"""What partner agencies call, as use cases: who a key belongs to, their feed page (with its long
poll), their notice keys, and the gateway's published signing keys. Each runs in its own unit of
work; a notice an agency sends is ``notices.receive``."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping

from sharing_gateway.adapters.tables import agencies
from sharing_gateway.domain import signing
from sharing_gateway.domain.policy import Policy
from sharing_gateway.service_layer import agencies as agency_service
from sharing_gateway.service_layer import data_grants, notice_keys, signing_keys
from sharing_gateway.service_layer.unit_of_work import UowFactory

#: How often a long poll looks again for new entries.
POLL_INTERVAL_S = 0.2


def policy_now(uow_factory: UowFactory, policies: Mapping[str, Policy], agency: str) -> Policy:
    """The agency's policy as the gateway applies it: its file with its data grants in force."""
    with uow_factory() as uow:
        return data_grants.effective_one(uow, policies, agency)


def authenticate(uow_factory: UowFactory, presented: str | None, now: dt.datetime | None = None) -> str:
    """The agency a key belongs to; every failure looks the same to the caller."""
    with uow_factory() as uow:
        return agency_service.authenticate(uow, presented, now)


def feed_page(uow_factory: UowFactory, agency: str, after: int, limit: int, wait_s: float) -> dict:
    """The agency's entries after ``after``, in order; with none yet, looks again until ``wait_s``
    has passed. What the agency asks after is what it has: that is its acknowledgement."""
    deadline = time.monotonic() + wait_s
    while True:
        with uow_factory() as uow:
            entries = agency_service.entries_after(uow, agency, after, limit)
            state = uow.session.execute(agencies.select().where(agencies.c.code == agency)).mappings().one()
            if entries or time.monotonic() >= deadline:
                uow.session.execute(
                    agencies.update()
                    .where(agencies.c.code == agency, agencies.c.acked_seq < after)
                    .values(acked_seq=min(after, state["last_seq"]))
                )
                uow.commit()
                break
        time.sleep(POLL_INTERVAL_S)
    return {
        "agency": agency,
        "entries": entries,
        "next_after": entries[-1]["sequence"] if entries else after,
        "head": state["last_seq"],
        "paused": state["paused"],
    }


def notice_keys_of(uow_factory: UowFactory, agency: str) -> list[str]:
    """The kids of the agency's notice keys in force."""
    with uow_factory() as uow:
        return notice_keys.kids(uow, agency)


def published_keys(uow_factory: UowFactory, current: signing.Signer) -> list[dict]:
    """Every feed signing key with its validity period (``signing_keys.published``)."""
    with uow_factory() as uow:
        return signing_keys.published(uow, current)
