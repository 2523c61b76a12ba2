"""The gateway's unit of work: the chassis one, plus the feeds, ledger, people's disclosure records and
data grants."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis.unit_of_work import UnitOfWork as ChassisUnitOfWork
from sharing_gateway.adapters.repository import (
    FeedRepository,
    GrantRepository,
    LedgerRepository,
    PersonDisclosureRepository,
)
from sharing_gateway.adapters.tables import EVENTS


class UnitOfWork(ChassisUnitOfWork):
    """A fresh transaction, or (``session=``) the one a consumer runner opened."""

    def __init__(self, engine: sa.Engine, session: Session | None = None):
        super().__init__(engine, EVENTS, session=session)

    def __enter__(self) -> UnitOfWork:
        super().__enter__()
        self.feeds = FeedRepository(self.session)
        self.ledger = LedgerRepository(self.session)
        self.disclosures = PersonDisclosureRepository(self.session)
        self.grants = GrantRepository(self.session)
        return self


#: What the gateway's bootstrap exposes and its use cases take: a new unit of work per call.
UowFactory = Callable[[], UnitOfWork]
