"""The composition root of the service desk; nothing connects at import."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from chassis import migrations
from chassis.db import make_engine
from chassis.work_calendar import WorkCalendar, load_calendar
from servicedesk.config import ServiceDeskSettings
from servicedesk.service_layer.categories import seed_categories
from servicedesk.service_layer.unit_of_work import UnitOfWork

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclasses.dataclass
class ServiceDesk:
    settings: ServiceDeskSettings
    engine: sa.Engine
    calendar: WorkCalendar
    #: The time the SLA clocks read; the wall clock, except in tests that need a given day.
    clock: Callable[[], dt.datetime] = dataclasses.field(default=lambda: dt.datetime.now(dt.UTC))

    def uow(self, session: Session | None = None) -> UnitOfWork:
        """A new unit of work; with ``session``, one that joins a consumer's transaction."""
        return UnitOfWork(self.engine, session=session)

    def migrate(self) -> None:
        """Upgrade the schema, then add any default request category not there yet."""
        migrations.upgrade(self.engine, MIGRATIONS)
        seed_categories(self.uow)


def bootstrap(settings: ServiceDeskSettings | None = None, engine: sa.Engine | None = None) -> ServiceDesk:
    settings = settings or ServiceDeskSettings.from_env()
    engine = engine or make_engine(settings.database_url)
    return ServiceDesk(settings, engine, load_calendar(settings.work_calendar_file))
