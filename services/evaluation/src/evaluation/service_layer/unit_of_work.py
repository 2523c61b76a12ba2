"""Evaluation's unit of work: the chassis one, plus the rounds repository."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis.unit_of_work import UnitOfWork as ChassisUnitOfWork
from evaluation.adapters.repository import RoundRepository
from evaluation.adapters.tables import EVENTS


class UnitOfWork(ChassisUnitOfWork):
    """A fresh transaction, or (``session=``) the one a consumer runner opened."""

    def __init__(self, engine: sa.Engine, session: Session | None = None):
        super().__init__(engine, EVENTS, session=session)

    def __enter__(self) -> UnitOfWork:
        super().__enter__()
        self.rounds = RoundRepository(self.session)
        return self


#: What evaluation's bootstrap exposes and its use cases take: a new unit of work per call.
UowFactory = Callable[[], UnitOfWork]
