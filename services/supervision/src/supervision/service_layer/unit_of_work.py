"""The supervision's unit of work: the chassis one, plus its repositories (the view and the records; the alerts)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis.unit_of_work import UnitOfWork as ChassisUnitOfWork
from supervision.adapters.alert_records import AlertRecords
from supervision.adapters.repository import SupervisionRepository
from supervision.adapters.tables import EVENTS


class UnitOfWork(ChassisUnitOfWork):
    """A fresh transaction, or (``session=``) the one a consumer runner opened."""

    def __init__(self, engine: sa.Engine, session: Session | None = None):
        super().__init__(engine, EVENTS, session=session)

    def __enter__(self) -> UnitOfWork:
        super().__enter__()
        self.supervision = SupervisionRepository(self.session)
        self.alerts = AlertRecords(self.session)
        return self


#: What the supervision's bootstrap exposes and its use cases take: a new unit of work per call.
UowFactory = Callable[[], UnitOfWork]
